import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { MatchContext } from '../context/match-context.js';
import { ctInvalidNotNattedRstDetector } from './ct-invalid-not-natted-rst.detector.js';

describeDetectorOnLabs(ctInvalidNotNattedRstDetector, (input) => new MatchContext(input));
