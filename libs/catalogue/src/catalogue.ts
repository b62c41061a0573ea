import { createHash } from 'node:crypto';
import { entry as conntrackExpiryRebalance } from './entries/conntrack-expiry-rebalance.entry.js';
import { entry as conntrackTableFull } from './entries/conntrack-table-full.entry.js';
import { entry as ctInvalidNotNattedRst } from './entries/ct-invalid-not-natted-rst.entry.js';
import { entry as ephemeralPortCollisionChallengeAck } from './entries/ephemeral-port-collision-challenge-ack.entry.js';
import { entry as keepaliveIdleRace } from './entries/keepalive-idle-race.entry.js';
import { entry as listenQueueOverflow } from './entries/listen-queue-overflow.entry.js';
import { entry as pmtuBlackhole } from './entries/pmtu-blackhole.entry.js';
import { entry as sidecarHalfcloseLeak } from './entries/sidecar-halfclose-leak.entry.js';
import { entry as snatPortCollision } from './entries/snat-port-collision.entry.js';
import { entry as statefulFwHalfcloseDrop } from './entries/stateful-fw-halfclose-drop.entry.js';
import { entry as tlsCloseNotifyUnreadRst } from './entries/tls-close-notify-unread-rst.entry.js';
import { assertValidCatalogue } from './entry-validation.js';
import type { RootCauseEntry } from './root-cause-entry.js';

const ENTRIES: readonly RootCauseEntry[] = [
  conntrackExpiryRebalance,
  ctInvalidNotNattedRst,
  statefulFwHalfcloseDrop,
  sidecarHalfcloseLeak,
  ephemeralPortCollisionChallengeAck,
  tlsCloseNotifyUnreadRst,
  keepaliveIdleRace,
  conntrackTableFull,
  snatPortCollision,
  listenQueueOverflow,
  pmtuBlackhole,
];

/** Checked once at load, so a malformed entry fails every consumer (and every test) at once. */
export const BUILTIN_ROOT_CAUSES: readonly RootCauseEntry[] = assertValidCatalogue(ENTRIES);

/**
 * Changes whenever any entry changes; stored on each analysis so a finding can be traced to
 * the catalogue that produced it.
 */
export const CATALOGUE_VERSION: string = createHash('sha256')
  .update(JSON.stringify(BUILTIN_ROOT_CAUSES))
  .digest('hex')
  .slice(0, 12);

export function findBuiltinRootCause(id: string): RootCauseEntry | undefined {
  return BUILTIN_ROOT_CAUSES.find((entry) => entry.id === id);
}
