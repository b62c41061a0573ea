import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { MatchContext } from '../context/match-context.js';
import { ephemeralPortCollisionDetector } from './ephemeral-port-collision-challenge-ack.detector.js';

describeDetectorOnLabs(ephemeralPortCollisionDetector, (input) => new MatchContext(input));
