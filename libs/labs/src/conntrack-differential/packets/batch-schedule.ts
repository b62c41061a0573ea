import type { TcpSequence } from '../sequences/segment-sequence.js';
import { wireSegments, type WireSegment } from './wire-segment.js';

/** Sequences sharing settings, with their segments placed on one timeline. */
export interface ScheduledBatch {
  readonly sequences: readonly TcpSequence[];
  /** Every segment in send order. */
  readonly segments: readonly WireSegment[];
  /** Segments per sequence id, in sequence order. */
  readonly bySequence: ReadonlyMap<string, readonly WireSegment[]>;
  readonly durationUs: number;
}

export interface ScheduleOptions {
  /** Minimum time between any two segments on the wire (ordering through the router). */
  readonly gapUs?: number;
  /** First packet id (IPv4 id / IPv6 flow label). */
  readonly firstPacketId?: number;
}

/**
 * Interleaves the sequences of a batch: each sequence keeps its own order and at least its
 * delays, and the wire sees one segment per `gapUs`. Whichever sequence's next segment is
 * due first goes next, so sequences with long idle periods (timeouts) overlap with the rest
 * and the batch lasts about as long as its longest sequence.
 */
export function scheduleBatch(
  sequences: readonly TcpSequence[],
  options: ScheduleOptions = {},
): ScheduledBatch {
  const gap = options.gapUs ?? 300;
  let nextId = options.firstPacketId ?? 1;
  const cursors = sequences.map((sequence) => ({
    sequence,
    next: 0,
    lastUs: -Infinity,
    times: [] as number[],
  }));
  let clock = 0;
  let remaining = sequences.reduce((sum, s) => sum + s.segments.length, 0);
  while (remaining > 0) {
    let best: (typeof cursors)[number] | undefined;
    let bestDue = Infinity;
    for (const cursor of cursors) {
      const segment = cursor.sequence.segments[cursor.next];
      if (segment === undefined) continue;
      const due = cursor.next === 0 ? 0 : cursor.lastUs + segment.delayMs * 1000;
      if (due < bestDue) {
        bestDue = due;
        best = cursor;
      }
    }
    if (best === undefined) break;
    const at = Math.max(clock, bestDue);
    best.times.push(at);
    best.lastUs = at;
    best.next += 1;
    clock = at + gap;
    remaining -= 1;
  }
  const bySequence = new Map<string, WireSegment[]>();
  const all: WireSegment[] = [];
  for (const cursor of cursors) {
    const wire = wireSegments(cursor.sequence, nextId, cursor.times);
    nextId += wire.length;
    bySequence.set(cursor.sequence.id, wire);
    all.push(...wire);
  }
  all.sort((a, b) => a.timeUs - b.timeUs);
  return {
    sequences,
    segments: all,
    bySequence,
    durationUs: all.length === 0 ? 0 : (all[all.length - 1] as WireSegment).timeUs,
  };
}
