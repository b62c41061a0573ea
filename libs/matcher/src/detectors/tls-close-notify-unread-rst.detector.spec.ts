import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { MatchContext } from '../context/match-context.js';
import { tlsCloseNotifyUnreadRstDetector } from './tls-close-notify-unread-rst.detector.js';

describeDetectorOnLabs(tlsCloseNotifyUnreadRstDetector, (input) => new MatchContext(input));
