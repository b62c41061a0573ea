import { createHash } from 'node:crypto';
import { entry as conntrackExpiryRebalance } from './entries/conntrack-expiry-rebalance.entry.js';
import { entry as conntrackTableFull } from './entries/conntrack-table-full.entry.js';
import { entry as ctInvalidNotNattedRst } from './entries/ct-invalid-not-natted-rst.entry.js';
import { entry as ephemeralPortCollisionChallengeAck } from './entries/ephemeral-port-collision-challenge-ack.entry.js';
import { entry as keepaliveIdleRace } from './entries/keepalive-idle-race.entry.js';
import { entry as sidecarHalfcloseLeak } from './entries/sidecar-halfclose-leak.entry.js';
import { entry as snatPortCollision } from './entries/snat-port-collision.entry.js';
import { entry as statefulFwHalfcloseDrop } from './entries/stateful-fw-halfclose-drop.entry.js';
import { entry as tlsCloseNotifyUnreadRst } from './entries/tls-close-notify-unread-rst.entry.js';
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
];

const ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Checked once at load: ids are kebab-case and unique, so a bad entry fails every test at once. */
function validated(entries: readonly RootCauseEntry[]): readonly RootCauseEntry[] {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!ID_PATTERN.test(entry.id))
      throw new Error(`catalogue: id "${entry.id}" is not kebab-case`);
    if (seen.has(entry.id)) throw new Error(`catalogue: id "${entry.id}" appears twice`);
    if (!entry.title.trim() || !entry.summary.trim()) {
      throw new Error(`catalogue: entry "${entry.id}" needs a title and a summary`);
    }
    seen.add(entry.id);
  }
  return entries;
}

export const BUILTIN_ROOT_CAUSES: readonly RootCauseEntry[] = validated(ENTRIES);

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
