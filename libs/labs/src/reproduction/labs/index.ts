import type { LabDefinition } from '../kit/lab-definition.js';
import { listenQueueOverflowLab } from './listen-queue-overflow.lab.js';
import { pmtuBlackholeLab } from './pmtu-blackhole.lab.js';
import { healthyBusyServerLab } from './healthy-busy-server.lab.js';
import { healthyCleanCloseLab } from './healthy-clean-close.lab.js';
import { healthyConnectionRefusedLab } from './healthy-connection-refused.lab.js';
import { healthyIdleKeepaliveLab } from './healthy-idle-keepalive.lab.js';
import { healthyRouterDnatLab } from './healthy-router-dnat.lab.js';
import { healthySidecarRedirectLab } from './healthy-sidecar-redirect.lab.js';
import { ctInvalidNotNattedRstLab } from './ct-invalid-not-natted-rst.lab.js';
import { conntrackExpiryRebalanceLab } from './conntrack-expiry-rebalance.lab.js';
import { statefulFwHalfcloseDropLab } from './stateful-fw-halfclose-drop.lab.js';
import { conntrackTableFullLab } from './conntrack-table-full.lab.js';
import { snatPortCollisionLab } from './snat-port-collision.lab.js';
import { sidecarHalfcloseLeakLab } from './sidecar-halfclose-leak.lab.js';
import { ephemeralPortCollisionChallengeAckLab } from './ephemeral-port-collision-challenge-ack.lab.js';
import { tlsCloseNotifyUnreadRstLab } from './tls-close-notify-unread-rst.lab.js';
import { keepaliveIdleRaceLab } from './keepalive-idle-race.lab.js';

/** Every reproduction lab; each helper adds its own import line and entry. */
export const LAB_DEFINITIONS: readonly LabDefinition[] = [
  listenQueueOverflowLab,
  pmtuBlackholeLab,
  healthyCleanCloseLab,
  healthyIdleKeepaliveLab,
  healthySidecarRedirectLab,
  healthyConnectionRefusedLab,
  healthyRouterDnatLab,
  healthyBusyServerLab,
  ctInvalidNotNattedRstLab,
  conntrackExpiryRebalanceLab,
  statefulFwHalfcloseDropLab,
  conntrackTableFullLab,
  snatPortCollisionLab,
  sidecarHalfcloseLeakLab,
  ephemeralPortCollisionChallengeAckLab,
  tlsCloseNotifyUnreadRstLab,
  keepaliveIdleRaceLab,
];
