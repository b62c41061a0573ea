import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { sidecarHalfcloseLeakDetector } from './sidecar-halfclose-leak.detector.js';

describeDetectorOnLabs(sidecarHalfcloseLeakDetector);
