import type { LogEvent } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import { endpointText, packetPointer, pointerAt, timeText } from '../context/pointers.js';
import type { EvidencePointer, FlowRef, NarrativeStep } from '../report/analysis-report.js';
import { Weighing, type WeightName } from '../scoring/weighing.js';
import {
  connectFailureEvents,
  connectFailureLogs,
  flowFromLogs,
  MAX_WEIGHED_ATTEMPTS,
  synScheduleText,
  troubledConnects,
  type ConnectAttempt,
} from './connect-failures.js';
import {
  conntrackCounter,
  counted,
  counting,
  netCounter,
  type CounterReading,
} from './counter-readings.js';
import type { Candidate, Detector } from './detector.js';
import { flowRef } from './flow-signals.js';

const ID = 'conntrack-table-full';
const MAX = 'net.netfilter.nf_conntrack_max';
const COUNT = 'net.netfilter.nf_conntrack_count';
/**
 * The kernel's own words, for log lines no classifier tagged: newer kernels name the network
 * namespace ("table full in netns 4026532729, dropping packet").
 */
const TABLE_FULL_TEXT = /conntrack\b.*\btable full\b.*\bdropping packet/;
/** A log line this close to a dropped SYN was about that drop (dmesg rate-limits the line). */
const LOG_NEAR_US = 2_000_000;

/** What the host says about its conntrack table, independent of any one flow. */
interface TableSigns {
  readonly fullLogs: readonly LogEvent[];
  readonly drop?: CounterReading;
  readonly earlyDrop?: CounterReading;
  readonly insertFailed?: CounterReading;
  /** Drops not explained by insert clashes (those count in drop too). */
  readonly dropsBeyondClashes: boolean;
  readonly fill?: {
    readonly count: number;
    readonly max: number;
    readonly pointer: EvidencePointer;
  };
}

/**
 * New connections fail because the conntrack table is at nf_conntrack_max: the kernel drops
 * the first packet of every flow it cannot track ("nf_conntrack: table full, dropping packet",
 * conntrack -S drop/early_drop), so clients retransmit SYNs that never reach the server while
 * established flows carry on.
 */
export const conntrackTableFullDetector: Detector = {
  rootCause: ID,
  detect(context) {
    const signs = tableSigns(context);
    const tableFull =
      signs.fullLogs.length > 0 ||
      counted(signs.earlyDrop) ||
      signs.dropsBeyondClashes ||
      (signs.fill !== undefined && signs.fill.count / signs.fill.max >= 0.9);
    if (!tableFull) return [];
    const attempts = troubledConnects(context)
      .filter((a) => a.synAckRetries.length === 0 && (a.synRetries.length > 0 || a.unanswered))
      .sort((a, b) => rank(a) - rank(b) || a.flow.firstUs - b.flow.firstUs)
      .slice(0, MAX_WEIGHED_ATTEMPTS);
    const candidates = attempts.map((a) => fromAttempt(context, signs, a));
    const failureSeen =
      signs.fullLogs.length > 0 ||
      signs.dropsBeyondClashes ||
      connectFailureEvents(context).length > 0;
    if (candidates.length === 0 && failureSeen) candidates.push(withoutCapture(context, signs));
    return candidates;
  },
};

/** Attempts never answered come first: they are the connections the table cost. */
function rank(a: ConnectAttempt): number {
  return a.unanswered ? 0 : a.completed ? 2 : 1;
}

function tableSigns(context: MatchContext): TableSigns {
  const fullLogs = context.evidence.logEvents.filter(
    (e) =>
      e.errorKind === 'CONNTRACK_TABLE_FULL' ||
      (e.source === 'kernel' && TABLE_FULL_TEXT.test(e.message)),
  );
  const drop = conntrackCounter(context, 'drop');
  const earlyDrop = conntrackCounter(context, 'early_drop');
  const insertFailed = conntrackCounter(context, 'insert_failed');
  const clashDrops = events(insertFailed);
  const drops = events(drop);
  const fill = tableFill(context);
  return {
    fullLogs,
    ...(drop ? { drop } : {}),
    ...(earlyDrop ? { earlyDrop } : {}),
    ...(insertFailed ? { insertFailed } : {}),
    dropsBeyondClashes: drops > clashDrops,
    ...(fill ? { fill } : {}),
  };
}

/** How many events the counter shows: its growth, or its value when only one snapshot exists. */
function events(reading: CounterReading | undefined): number {
  const moved = counting(reading);
  return moved ? (moved.growth ?? moved.value) : 0;
}

function tableFill(context: MatchContext): TableSigns['fill'] {
  const max = context.settings.get(MAX);
  const maxValue = context.settings.number(MAX);
  if (!max?.observed || maxValue === undefined || maxValue <= 0) return undefined;
  const countSetting = context.settings.get(COUNT);
  const fromSysctl = context.settings.number(COUNT);
  const stats = context.evidence.conntrackStats.find((s) => s.entries !== undefined);
  const listed = context.evidence.conntrackEntries.length;
  const [count, where] =
    fromSysctl !== undefined && countSetting?.observed
      ? [fromSysctl, countSetting.pointer]
      : stats?.entries !== undefined
        ? [stats.entries, { artifact: stats.locator.artifact, locator: '', note: 'entries' }]
        : listed > 0
          ? [
              listed,
              {
                artifact: context.evidence.conntrackEntries[0]!.locator.artifact,
                locator: '',
                note: 'entries listed',
              },
            ]
          : [undefined, undefined];
  if (count === undefined || where === undefined) return undefined;
  return {
    count,
    max: maxValue,
    pointer: {
      artifact: where.artifact,
      locator: where.locator,
      note: `${count} of nf_conntrack_max = ${maxValue} entries in use (${Math.round((100 * count) / maxValue)} %)`,
    },
  };
}

/** The evidence every candidate shares: what the kernel logged and counted about its table. */
function weighTable(w: Weighing, context: MatchContext, signs: TableSigns, nearUs?: number): void {
  const [first] = signs.fullLogs;
  if (first) {
    w.for(
      'strong',
      pointerAt(
        first.locator,
        `the kernel dropped packets because the table was full (${signs.fullLogs.length} line(s)): ${first.message.slice(0, 120)}`,
      ),
    );
    const near =
      nearUs === undefined
        ? undefined
        : signs.fullLogs.find(
            (e) => e.timeUs !== undefined && Math.abs(e.timeUs - nearUs) <= LOG_NEAR_US,
          );
    if (near)
      w.for(
        'moderate',
        pointerAt(
          near.locator,
          `logged at ${timeText(near.timeUs)}, while this connection's SYNs went unanswered`,
        ),
      );
  }
  const earlyDrop = counting(signs.earlyDrop);
  if (earlyDrop)
    w.for('strong', {
      ...earlyDrop.pointer,
      note: `${earlyDrop.pointer.note}: entries were evicted to make room, which only happens with the table full`,
    });
  if (signs.dropsBeyondClashes && signs.drop)
    w.for('moderate', {
      ...signs.drop.pointer,
      note: `${signs.drop.pointer.note}: packets conntrack refused to track`,
    });
  const insertFailed = counting(signs.insertFailed);
  if (insertFailed) {
    const weight: WeightName = signs.dropsBeyondClashes ? 'weak' : 'moderate';
    w.against(weight, {
      ...insertFailed.pointer,
      note: `${insertFailed.pointer.note}: insert clashes (NAT port races) also drop new flows`,
    });
  }
  if (signs.fill) {
    const ratio = signs.fill.count / signs.fill.max;
    if (ratio >= 0.98)
      w.for('strong', {
        ...signs.fill.pointer,
        note: `${signs.fill.pointer.note}: the table is at its limit`,
      });
    else if (ratio >= 0.9)
      w.for('moderate', {
        ...signs.fill.pointer,
        note: `${signs.fill.pointer.note}: close to the limit`,
      });
    // Snapshots taken after the burst may show the table drained: weak, not decisive.
    else if (ratio < 0.5)
      w.against('weak', {
        ...signs.fill.pointer,
        note: `${signs.fill.pointer.note} when the snapshot was taken`,
      });
  }
  const overflow = counting(netCounter(context, 'TcpExtListenOverflows'));
  if (overflow)
    w.against('weak', {
      ...overflow.pointer,
      note: `${overflow.pointer.note}: a listener's accept queue also overflowed`,
    });
}

function fromAttempt(context: MatchContext, signs: TableSigns, attempt: ConnectAttempt): Candidate {
  const { flow } = attempt;
  const ref = flowRef(flow);
  const w = new Weighing();
  weighTable(w, context, signs, flow.firstUs);
  const syn = flow.handshake.synPacket!;
  const schedule = synScheduleText(attempt, context.settings);
  if (attempt.unanswered) {
    w.for(
      'moderate',
      packetPointer(flow.capture, syn, `new connection never answered: ${attempt.unanswered.note}`),
    );
  } else if (!attempt.completed) {
    w.for(
      'moderate',
      packetPointer(
        flow.capture,
        syn,
        `SYNs repeated and the connection never established: ${schedule}`,
      ),
    );
  } else {
    w.for(
      'weak',
      packetPointer(flow.capture, syn, `SYNs repeated before the handshake: ${schedule}`),
    );
  }
  const alive = establishedMeanwhile(context, attempt);
  if (alive)
    w.for(
      'weak',
      packetPointer(
        alive.capture,
        alive.packet,
        'an established connection kept exchanging data meanwhile: only new flows were dropped',
      ),
    );
  for (const log of connectFailureLogs(context, ref).slice(0, 2)) w.for('weak', log);

  const narrative: NarrativeStep[] = [];
  if (signs.fill)
    narrative.push({
      text: `the conntrack table holds ${signs.fill.count} of ${signs.fill.max} entries`,
      evidence: signs.fill.pointer,
    });
  narrative.push({
    time: timeText(flow.firstUs),
    text: `${ref.client} sends a SYN to ${ref.server}; conntrack has no room for a new entry and the packet is dropped`,
    evidence: packetPointer(flow.capture, syn, 'SYN'),
  });
  const logged = signs.fullLogs[0];
  if (logged)
    narrative.push({
      ...(logged.timeUs !== undefined ? { time: timeText(logged.timeUs) } : {}),
      text: 'the kernel logs "table full, dropping packet"',
      evidence: pointerAt(logged.locator, logged.message.slice(0, 120)),
    });
  const lastRetry = attempt.synRetries[attempt.synRetries.length - 1];
  if (lastRetry)
    narrative.push({
      time: timeText(lastRetry.timeUs),
      text: `the client keeps retransmitting the SYN (${schedule})`,
      evidence: packetPointer(flow.capture, lastRetry.locator.packet ?? syn, lastRetry.note),
    });
  if (attempt.completed && flow.handshake.synAckPacket !== undefined)
    narrative.push({
      text: 'a retransmitted SYN found room once entries expired, and the connection was established late',
      evidence: packetPointer(flow.capture, flow.handshake.synAckPacket, 'SYN-ACK'),
    });
  return {
    rootCause: ID,
    flow: ref,
    weighing: w,
    summary: `${ref.client} → ${ref.server} could not connect: ${attempt.completed ? 'its first SYNs were dropped' : 'its SYNs were dropped'} while the conntrack table was full${signs.fill ? ` (${signs.fill.count} of ${signs.fill.max} entries)` : ''}; ${schedule}.`,
    narrative,
    notes: tableNotes(context),
    nextEvidence: nextEvidence(context, signs),
  };
}

/** No capture shows a failing connection: the host's own words and a failure log or socket. */
function withoutCapture(context: MatchContext, signs: TableSigns): Candidate {
  const w = new Weighing();
  weighTable(w, context, signs);
  const synSent = context.evidence.sockets.find((s) => s.state === 'SYN-SENT' && s.peer);
  const fromLogs = flowFromLogs(connectFailureEvents(context));
  const flow: FlowRef | undefined =
    fromLogs ??
    (synSent
      ? { client: endpointText(synSent.local), server: endpointText(synSent.peer!) }
      : undefined);
  for (const log of connectFailureLogs(context, flow).slice(0, 2)) w.for('weak', log);
  if (synSent)
    w.for(
      'weak',
      pointerAt(
        synSent.locator,
        `socket ${endpointText(synSent.local)} → ${endpointText(synSent.peer!)} still in SYN-SENT: its SYN got no answer`,
      ),
    );
  const narrative: NarrativeStep[] = signs.fullLogs.slice(0, 1).map((e) => ({
    ...(e.timeUs !== undefined ? { time: timeText(e.timeUs) } : {}),
    text: 'the kernel drops new flows because its conntrack table is full',
    evidence: pointerAt(e.locator, e.message.slice(0, 120)),
  }));
  // A log that names only the server still says where connections failed to go.
  const dialled = connectFailureEvents(context).find((e) => e.server !== undefined)?.server;
  const victims = flow
    ? `, such as ${flow.client} → ${flow.server}`
    : dialled
      ? `, such as connections to ${endpointText(dialled)}`
      : '';
  return {
    rootCause: ID,
    ...(flow ? { flow } : {}),
    weighing: w,
    summary: `The conntrack table was full${signs.fill ? ` (${signs.fill.count} of ${signs.fill.max} entries)` : ''}, so the kernel dropped the first packets of new connections${victims}; no capture shows the dropped SYNs.`,
    narrative,
    notes: tableNotes(context),
    nextEvidence: [
      'capture (tcpdump) on the client during a failure: SYNs retransmitted with no SYN-ACK, while established flows keep going, confirm it',
      ...nextEvidence(context, signs),
    ],
  };
}

/** Another flow of the same capture carrying data while this attempt was being retried. */
function establishedMeanwhile(
  context: MatchContext,
  attempt: ConnectAttempt,
): { capture: string; packet: number } | undefined {
  const start = attempt.flow.firstUs;
  const end = attempt.synRetries[attempt.synRetries.length - 1]?.timeUs ?? attempt.flow.lastUs;
  const other = context.tcpFlows.find(
    (f) =>
      f !== attempt.flow &&
      f.capture === attempt.flow.capture &&
      f.handshake.complete &&
      f.firstUs < start &&
      f.lastUs > end &&
      f.toServer.payloadBytes + f.toClient.payloadBytes > 0,
  );
  return other ? { capture: other.capture, packet: other.lastPacket } : undefined;
}

/** What fills the table: the most common state in the listing and the timeout that keeps it. */
function tableNotes(context: MatchContext): string[] {
  const entries = context.evidence.conntrackEntries;
  if (entries.length === 0) return [];
  const byState = new Map<string, { n: number; timeoutKey: string }>();
  for (const e of entries) {
    const state = e.tcpState ?? e.protocol;
    const timeoutKey = e.tcpState
      ? `net.netfilter.nf_conntrack_tcp_timeout_${e.tcpState.toLowerCase()}`
      : `net.netfilter.nf_conntrack_${e.protocol}_timeout`;
    const seen = byState.get(state);
    byState.set(state, { n: (seen?.n ?? 0) + 1, timeoutKey });
  }
  const [state, { n, timeoutKey }] = [...byState.entries()].sort((a, b) => b[1].n - a[1].n)[0]!;
  const timeout = context.settings.get(timeoutKey);
  return [
    `${n} of ${entries.length} listed entries are ${state}${timeout ? `; they live ${timeout.value} s (${timeoutKey.split('.').pop()}${timeout.observed ? '' : ', kernel default'})` : ''}: shortening that timeout frees the table faster`,
  ];
}

function nextEvidence(context: MatchContext, signs: TableSigns): string[] {
  const out: string[] = [];
  if (signs.drop?.growth === undefined)
    out.push(
      'run `conntrack -S` twice a few seconds apart during the failures: drop and early_drop rising confirm it',
    );
  if (!signs.fill)
    out.push(
      '`sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max` while connections fail',
    );
  if (signs.fullLogs.length === 0)
    out.push('`dmesg -T | grep "table full"` on the node the traffic crosses');
  if (!context.hasKind('conntrack-table'))
    out.push(
      '`conntrack -L` to see which entries fill the table (states, and the timeouts that keep them)',
    );
  return out;
}
