import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { MatchContext } from '../context/match-context.js';
import { conntrackExpiryRebalanceDetector } from './conntrack-expiry-rebalance.detector.js';

describeDetectorOnLabs(conntrackExpiryRebalanceDetector, (input) => new MatchContext(input));
