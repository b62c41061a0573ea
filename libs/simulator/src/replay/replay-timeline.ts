import type { Tuple } from '../model/index.js';
import { clockMicros, isoMicros, tupleJson, tupleText } from './format.js';
import type { ReplayStep, StepList } from './replay-step.js';
import type { TimelineEvent, TimelineKind } from './replay-types.js';

/** The entry a timeline record is about, copied at the moment (the live record keeps changing). */
export interface EntrySnapshot {
  readonly id: number;
  readonly original: Tuple;
  readonly reply: Tuple;
}

/** One hidden-state change in compact form; sentences are written when the JSON is asked for. */
export interface TimelineRecord {
  readonly kind: TimelineKind;
  readonly timeUs: number;
  readonly entry?: EntrySnapshot;
  readonly from?: string;
  readonly to?: string;
  readonly timer?: string;
  /** Position of the causing packet in the replay's order. */
  readonly step?: number;
  readonly anchor?: string;
  /** A sentence given up front (anchors, re-NAT); otherwise one is derived from the kind. */
  readonly note?: string;
}

export function timelineJson(record: TimelineRecord, steps: StepList): TimelineEvent {
  const step = record.step === undefined ? undefined : steps.at(record.step);
  return {
    time: isoMicros(record.timeUs),
    timeUs: record.timeUs,
    kind: record.kind,
    entryId: record.entry?.id ?? null,
    ...(record.entry
      ? { original: tupleJson(record.entry.original), reply: tupleJson(record.entry.reply) }
      : {}),
    ...(record.from === undefined ? {} : { from: record.from }),
    ...(record.to === undefined ? {} : { to: record.to }),
    ...(record.timer === undefined ? {} : { timer: record.timer }),
    ...(step
      ? {
          packet: { capture: step.packet.locator.artifact, index: step.packet.locator.packet ?? 0 },
        }
      : {}),
    ...(record.anchor === undefined ? {} : { anchor: record.anchor }),
    note: record.note ?? sentence(record, step),
  };
}

function sentence(record: TimelineRecord, step: ReplayStep | undefined): string {
  const entry = record.entry;
  const what = entry ? `entry ${entry.id} (${tupleText(entry.original)})` : 'an entry';
  const by = step
    ? ` by packet ${step.packet.locator.packet ?? 0} of ${step.packet.locator.artifact}`
    : '';
  const nat =
    entry &&
    (entry.reply.src !== entry.original.dst || entry.reply.srcPort !== entry.original.dstPort)
      ? `, NATed to ${tupleText({ ...entry.reply, src: entry.reply.dst, srcPort: entry.reply.dstPort, dst: entry.reply.src, dstPort: entry.reply.srcPort })}`
      : '';
  switch (record.kind) {
    case 'created':
      return `${what} created in ${record.to ?? 'its first state'}${by}${nat}`;
    case 'updated':
      return `${what} ${record.from ?? '?'} -> ${record.to ?? '?'}${by}`;
    case 'expired':
      return `${what} expired at ${clockMicros(record.timeUs)}: its ${record.timer ?? ''} timer ran out${record.from ? ` in ${record.from}` : ''}`;
    case 'destroyed':
      return `${what} destroyed${by}: a new connection reused its tuple`;
    case 'seeded':
      return `${what} taken from ${record.anchor ?? 'an anchor'} in ${record.to ?? '?'}`;
    case 'flushed':
      return `${what} removed at ${clockMicros(record.timeUs)} outside the packet path (${record.anchor ?? 'conntrack event'})`;
    case 'renatted':
    case 'anchor-disagrees':
    case 'socket-timer':
      return `${what}: ${record.kind}`;
  }
}
