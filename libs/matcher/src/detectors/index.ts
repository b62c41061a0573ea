import { conntrackExpiryRebalanceDetector } from './conntrack-expiry-rebalance.detector.js';
import { conntrackTableFullDetector } from './conntrack-table-full.detector.js';
import { ctInvalidNotNattedRstDetector } from './ct-invalid-not-natted-rst.detector.js';
import type { Detector } from './detector.js';
import { ephemeralPortCollisionDetector } from './ephemeral-port-collision-challenge-ack.detector.js';
import { keepaliveIdleRaceDetector } from './keepalive-idle-race.detector.js';
import { listenQueueOverflowDetector } from './listen-queue-overflow.detector.js';
import { pmtuBlackholeDetector } from './pmtu-blackhole.detector.js';
import { sidecarHalfcloseLeakDetector } from './sidecar-halfclose-leak.detector.js';
import { snatPortCollisionDetector } from './snat-port-collision.detector.js';
import { tlsCloseNotifyUnreadRstDetector } from './tls-close-notify-unread-rst.detector.js';
import { statefulFwHalfcloseDropDetector } from './stateful-fw-halfclose-drop.detector.js';

/** One detector per catalogue entry. */
export const DETECTORS: readonly Detector[] = [
  ctInvalidNotNattedRstDetector,
  conntrackExpiryRebalanceDetector,
  statefulFwHalfcloseDropDetector,
  sidecarHalfcloseLeakDetector,
  ephemeralPortCollisionDetector,
  tlsCloseNotifyUnreadRstDetector,
  keepaliveIdleRaceDetector,
  conntrackTableFullDetector,
  snatPortCollisionDetector,
  listenQueueOverflowDetector,
  pmtuBlackholeDetector,
];

export type { Candidate, Detector, FailurePacket } from './detector.js';
