import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { keepaliveIdleRaceDetector } from './keepalive-idle-race.detector.js';

describeDetectorOnLabs(keepaliveIdleRaceDetector);
