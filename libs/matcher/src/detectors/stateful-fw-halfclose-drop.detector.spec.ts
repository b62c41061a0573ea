import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { statefulFwHalfcloseDropDetector } from './stateful-fw-halfclose-drop.detector.js';

describeDetectorOnLabs(statefulFwHalfcloseDropDetector);
