import { tupleKey } from '../model/index.js';
import { clockMicros, hostPort, isoMicros, packetText, tupleText } from '../replay/format.js';
import type { ReplayRun } from '../replay/replay.js';
import { PacketPath, type ReplayStep } from '../replay/replay-step.js';
import type { TimelineRecord } from '../replay/replay-timeline.js';
import type { PacketChange, ReplayDiff, VanishedPacket } from './what-if-types.js';

/** Two expiries of the same flow this close together are the same event. */
const SAME_EVENT_US = 1_000_000;

/**
 * What changed between a baseline replay and a what-if replay, packet by packet and in the
 * hidden state, in sentences. A captured packet the baseline explained as the answer to
 * another packet (e.g. a RST from a socket an INVALID packet reached) "no longer happens"
 * when that answer disappears under the override.
 */
export function diffReplays(
  baseline: ReplayRun,
  variant: ReplayRun,
  overrides: readonly string[],
): ReplayDiff {
  const after = new Map<string, ReplayStep>();
  let synthesised = 0;
  for (const step of variant.steps) {
    if (step.synthetic !== undefined) synthesised++;
    else after.set(stepKey(step), step);
  }
  const because = overrides.length > 0 ? overrides.join(', ') : 'the override';

  const packets: PacketChange[] = [];
  const noLongerHappens: VanishedPacket[] = [];
  for (const before of baseline.steps) {
    if (before.path === PacketPath.Duplicate || before.synthetic !== undefined) continue;
    const now = after.get(stepKey(before));
    if (!now) continue;
    const was = describe(before);
    const is = describe(now);
    if (was !== is) {
      packets.push({
        capture: before.packet.locator.artifact,
        index: before.packet.locator.packet ?? 0,
        time: isoMicros(before.packet.timeUs),
        before: was,
        after: is,
        sentence: `packet ${number(before)} (${packetText(before.packet)}) ${was}; now ${is}`,
      });
    }
    const observed = before.observedAt >= 0 ? baseline.steps[before.observedAt] : undefined;
    if (observed && before.observedMatches && before.response && !sameAnswer(before, now)) {
      noLongerHappens.push({
        capture: observed.packet.locator.artifact,
        index: observed.packet.locator.packet ?? 0,
        causedBy: {
          capture: before.packet.locator.artifact,
          index: before.packet.locator.packet ?? 0,
        },
        sentence: `packet ${number(observed)} (${shortPacket(observed)}) no longer happens: packet ${number(before)} is now ${fate(now)}`,
      });
    }
  }

  const timeline = diffTimelines(baseline.timelineRecords, variant.timelineRecords, because);
  const summary = [...noLongerHappens.map((v) => v.sentence), ...timeline.slice(0, 5)];
  if (summary.length === 0) {
    summary.push(
      packets.length === 0
        ? `no packet's fate changes under ${because}`
        : `${packets.length} packet${packets.length === 1 ? '' : 's'} change under ${because}; first: ${(packets[0] as PacketChange).sentence}`,
    );
  }
  return { overrides, noLongerHappens, packets, timeline, summary, synthesised };
}

function stepKey(step: ReplayStep): string {
  return `${step.packet.locator.artifact}#${step.packet.locator.packet ?? 0}`;
}

function number(step: ReplayStep): string {
  return `${step.packet.locator.packet ?? 0}`;
}

function shortPacket(step: ReplayStep): string {
  const flags = step.packet.tcp ? packetText(step.packet).split(' ')[0] : 'packet';
  return `${flags} from ${hostPort(step.packet.src, step.packet.srcPort ?? 0)}`;
}

function sameAnswer(a: ReplayStep, b: ReplayStep): boolean {
  return a.response?.kind === b.response?.kind && !b.dropped;
}

/** The packet's fate in one line: conntrack, NAT, filter, socket, answer. */
function describe(step: ReplayStep): string {
  const parts: string[] = [step.ctinfo ?? 'not tracked'];
  if (step.natKind !== undefined) {
    parts.push(
      step.natTranslated
        ? `${step.natKind} to ${hostPort(step.natTranslated.dst, step.natTranslated.dstPort)}`
        : step.natKind,
    );
  } else if (step.natSkipped !== undefined) {
    parts.push(`NAT skipped: ${step.natSkipped}`);
  }
  if (step.dropped) parts.push(`${step.filterVerdict} by ${step.filterChain ?? 'a rule'}`);
  if (step.delivery)
    parts.push(
      `reaches ${step.delivery.socket} ${hostPort(step.delivery.local.ip, step.delivery.local.port)}`,
    );
  if (step.response) parts.push(`answered with ${step.response.kind}`);
  return parts.join(', ');
}

/** What happened to the packet instead, in words for "… no longer happens: packet N is now …". */
function fate(step: ReplayStep): string {
  const parts: string[] = [step.ctinfo ?? 'untracked'];
  if (step.natTranslated && step.natKind !== undefined) {
    const kind =
      step.natKind.startsWith('DNAT') || step.natKind === 'REDIRECT'
        ? `${step.natKind.split(' ')[0]}ed`
        : step.natKind;
    parts.push(`${kind} to ${hostPort(step.natTranslated.dst, step.natTranslated.dstPort)}`);
  }
  if (step.dropped)
    parts.push(
      `dropped by ${step.filterChain ?? 'a rule'}${step.filterRule ? ` (${step.filterRule.raw})` : ''}`,
    );
  if (step.response) parts.push(`answered with ${step.response.kind}`);
  return parts.join(' and ');
}

function diffTimelines(
  baseline: readonly TimelineRecord[],
  variant: readonly TimelineRecord[],
  because: string,
): string[] {
  const interesting = (r: TimelineRecord) =>
    (r.kind === 'expired' ||
      r.kind === 'renatted' ||
      r.kind === 'flushed' ||
      r.kind === 'destroyed') &&
    r.entry;
  const index = (records: readonly TimelineRecord[]) => {
    const map = new Map<string, TimelineRecord[]>();
    for (const record of records) {
      if (!interesting(record)) continue;
      const key = `${record.kind}|${tupleKey((record.entry as NonNullable<TimelineRecord['entry']>).original)}`;
      const list = map.get(key) ?? [];
      list.push(record);
      map.set(key, list);
    }
    return map;
  };
  const before = index(baseline);
  const after = index(variant);
  const sentences: string[] = [];
  const missing = (from: Map<string, TimelineRecord[]>, to: Map<string, TimelineRecord[]>) => {
    const out: TimelineRecord[] = [];
    for (const [key, records] of from) {
      const others = to.get(key) ?? [];
      for (const record of records) {
        if (!others.some((o) => Math.abs(o.timeUs - record.timeUs) <= SAME_EVENT_US))
          out.push(record);
      }
    }
    return out.sort((a, b) => a.timeUs - b.timeUs);
  };
  for (const record of missing(before, after))
    sentences.push(
      `${eventText(record)} no longer ${verb(record)} at ${clockMicros(record.timeUs)} (${because})`,
    );
  for (const record of missing(after, before))
    sentences.push(
      `${eventText(record)} now ${verb(record)} at ${clockMicros(record.timeUs)} (${because})`,
    );
  return sentences;
}

function eventText(record: TimelineRecord): string {
  const entry = record.entry as NonNullable<TimelineRecord['entry']>;
  return record.kind === 'renatted'
    ? `the flow ${tupleText(entry.original)}`
    : `the conntrack entry for ${tupleText(entry.original)}`;
}

function verb(record: TimelineRecord): string {
  switch (record.kind) {
    case 'expired':
      return `expires${record.timer ? ` (${record.timer} timer)` : ''}`;
    case 'renatted':
      return `is re-NATed to ${record.to ?? 'another backend'}`;
    case 'flushed':
      return 'is flushed';
    case 'destroyed':
      return 'is destroyed by a reused tuple';
    case 'created':
    case 'updated':
    case 'seeded':
    case 'anchor-disagrees':
    case 'socket-timer':
      return record.kind;
  }
}
