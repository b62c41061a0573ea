import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { conntrackExpiryRebalanceDetector } from './conntrack-expiry-rebalance.detector.js';

describeDetectorOnLabs(conntrackExpiryRebalanceDetector);
