import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { ctInvalidNotNattedRstDetector } from './ct-invalid-not-natted-rst.detector.js';

describeDetectorOnLabs(ctInvalidNotNattedRstDetector);
