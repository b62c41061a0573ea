import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { MatchContext } from '../context/match-context.js';
import { keepaliveIdleRaceDetector } from './keepalive-idle-race.detector.js';

describeDetectorOnLabs(keepaliveIdleRaceDetector, (input) => new MatchContext(input));
