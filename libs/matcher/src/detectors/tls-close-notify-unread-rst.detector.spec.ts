import { describeDetectorOnLabs } from '@test/support/detector-on-labs.js';
import { tlsCloseNotifyUnreadRstDetector } from './tls-close-notify-unread-rst.detector.js';

describeDetectorOnLabs(tlsCloseNotifyUnreadRstDetector);
