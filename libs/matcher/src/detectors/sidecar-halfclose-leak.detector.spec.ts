import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { MatchContext } from '../context/match-context.js';
import { sidecarHalfcloseLeakDetector } from './sidecar-halfclose-leak.detector.js';

describeDetectorOnLabs(sidecarHalfcloseLeakDetector, (input) => new MatchContext(input));
