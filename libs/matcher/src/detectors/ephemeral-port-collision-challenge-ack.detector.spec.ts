import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { ephemeralPortCollisionDetector } from './ephemeral-port-collision-challenge-ack.detector.js';

describeDetectorOnLabs(ephemeralPortCollisionDetector);
