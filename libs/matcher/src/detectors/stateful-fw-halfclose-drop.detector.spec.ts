import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { MatchContext } from '../context/match-context.js';
import { statefulFwHalfcloseDropDetector } from './stateful-fw-halfclose-drop.detector.js';

describeDetectorOnLabs(statefulFwHalfcloseDropDetector, (input) => new MatchContext(input));
