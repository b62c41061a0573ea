import type { FlowEvent, FlowPacket } from '../ladder/flow-packet';

const BIRTH = new Set(['created', 'seeded']);
const DEATH = new Set(['expired', 'destroyed', 'flushed']);

/** One conntrack entry's life: when it appeared, changed and went, and its packets. */
export interface EntryLifetime {
  /** Null: packets that matched no entry (INVALID without an entry, untracked). */
  readonly entryId: number | null;
  readonly startUs: number;
  readonly endUs: number;
  /** How it ended: expired, destroyed, flushed, or null if it outlived the evidence. */
  readonly ending: string | null;
  readonly changes: readonly FlowEvent[];
  readonly packetTimes: readonly number[];
  readonly invalidTimes: readonly number[];
}

/**
 * Rows of the conntrack timeline, one per entry in order of appearance, plus a row for the
 * packets without an entry. An entry seen only through packets (the evidence started after
 * it was created) spans its packets.
 */
export function entryLifetimes(
  packets: readonly FlowPacket[],
  events: readonly FlowEvent[],
): EntryLifetime[] {
  interface Building {
    startUs: number;
    endUs: number;
    ending: string | null;
    changes: FlowEvent[];
    packetTimes: number[];
    invalidTimes: number[];
  }
  const rows = new Map<number | null, Building>();
  const row = (id: number | null, timeUs: number): Building => {
    let found = rows.get(id);
    if (!found) {
      found = {
        startUs: timeUs,
        endUs: timeUs,
        ending: null,
        changes: [],
        packetTimes: [],
        invalidTimes: [],
      };
      rows.set(id, found);
    }
    return found;
  };
  const timed = [
    ...events.map((event) => ({ timeUs: event.timeUs, event, packet: undefined })),
    ...packets.map((packet) => ({ timeUs: packet.timeUs, event: undefined, packet })),
  ].sort((a, b) => a.timeUs - b.timeUs);
  for (const item of timed) {
    const id = item.event ? (item.event.entryId ?? null) : (item.packet.entryId ?? null);
    const target = row(id, item.timeUs);
    target.startUs = Math.min(target.startUs, item.timeUs);
    if (target.ending === null) target.endUs = Math.max(target.endUs, item.timeUs);
    if (item.event) {
      target.changes.push(item.event);
      if (BIRTH.has(item.event.kind)) target.startUs = Math.min(target.startUs, item.timeUs);
      if (DEATH.has(item.event.kind)) {
        target.ending = item.event.kind;
        target.endUs = item.timeUs;
      }
    } else {
      target.packetTimes.push(item.timeUs);
      if (item.packet.invalidReason) target.invalidTimes.push(item.timeUs);
    }
  }
  return [...rows.entries()]
    .map(([entryId, built]) => ({ entryId, ...built }))
    .sort((a, b) => (a.entryId === null ? 1 : b.entryId === null ? -1 : a.startUs - b.startUs));
}

/**
 * Packet ticks merged per pixel column: ten thousand packets become at most `width` marks,
 * each with how many packets it stands for.
 */
export function tickColumns(
  times: readonly number[],
  x: (timeUs: number) => number,
  width: number,
): { x: number; count: number }[] {
  const columns = new Map<number, number>();
  for (const time of times) {
    const column = Math.round(x(time));
    if (column < 0 || column > width) continue;
    columns.set(column, (columns.get(column) ?? 0) + 1);
  }
  return [...columns.entries()].map(([at, count]) => ({ x: at, count }));
}
