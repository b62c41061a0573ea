import type { ConntrackEntry, ConntrackEvent, Flow, Packet } from '@netmortem/domain';
import { tupleEndpoint, tupleKey } from '../context/conntrack-history.js';
import type { MatchContext } from '../context/match-context.js';
import type { NotableRule } from '../context/ruleset-facts.js';
import { coincidingTimer, describeTimer } from '../context/timer-coincidence.js';
import {
  durationText,
  endpointText,
  packetPointer,
  pointerAt,
  timeText,
} from '../context/pointers.js';
import type { EvidencePointer, FlowRef, NarrativeStep } from '../report/analysis-report.js';
import { DEFAULT_PRIOR, Weighing } from '../scoring/weighing.js';
import {
  connectFailureLogs,
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
import { packetsByFlow } from './flow-packet-index.js';
import { flowRef, seconds } from './flow-signals.js';

const ID = 'snat-port-collision';
/** Linux's initial retransmission timeout: a lost SYN is sent again this long after. */
const INITIAL_RTO_SEC = 1;
/** The glibc resolver's default per-query timeout (resolv.conf `options timeout:5`). */
const RESOLVER_TIMEOUT_SEC = 5;
/** A datagram unanswered this long and sent again is a retry, not a burst. */
const MIN_RETRY_US = 500_000;
/** Packets this close together raced through conntrack before either entry was confirmed. */
const SAME_INSTANT_US = 20_000;

/** What the host's conntrack counters, logs and rules say, independent of any one flow. */
interface ClashSigns {
  readonly insertFailed?: CounterReading;
  readonly clashResolved?: CounterReading;
  readonly logs: readonly EvidencePointer[];
  /** The bundle could have shown insert failures (conntrack -S or kernel log present). */
  readonly couldCount: boolean;
}

/**
 * Two new flows translated at the same moment get the same tuple; the second conntrack
 * insert fails (insert_failed), its packet is dropped, and the sender waits for its own retry:
 * a TCP SYN sent again after 1 s, a DNS query after the resolver's 5 s.
 */
export const snatPortCollisionDetector: Detector = {
  rootCause: ID,
  detect(context) {
    const signs = clashSigns(context);
    const candidates: Candidate[] = [];
    for (const clash of clashingEntries(context)) candidates.push(fromClash(context, signs, clash));
    const attempts = troubledConnects(context)
      .sort((a, b) => a.flow.firstUs - b.flow.firstUs)
      .slice(0, MAX_WEIGHED_ATTEMPTS);
    for (const attempt of attempts) {
      const c = fromSynLoss(context, signs, attempt);
      if (c) candidates.push(c);
    }
    // A retry needs two datagrams out and, to tell it from a one-way stream, one answer back.
    const udp = context.evidence.flows.filter(
      (f) => f.protocol === 'udp' && f.toServer.packets >= 2 && f.toClient.packets >= 1,
    );
    const packetsOf = packetsByFlow(context, udp);
    for (const flow of udp) {
      const c = fromDatagramRetry(context, signs, flow, packetsOf.get(flow) ?? []);
      if (c) candidates.push(c);
    }
    if (candidates.length === 0 && (counted(signs.insertFailed) || signs.logs.length > 0))
      candidates.push(fromCountersOnly(context, signs));
    return candidates;
  },
};

function clashSigns(context: MatchContext): ClashSigns {
  const insertFailed = conntrackCounter(context, 'insert_failed');
  const clashResolved = conntrackCounter(context, 'clash_resolve');
  const logs = context
    .logs(['CONNTRACK_INSERT_FAILED'])
    .map((e) => pointerAt(e.locator, e.message.slice(0, 160)));
  return {
    ...(insertFailed ? { insertFailed } : {}),
    ...(clashResolved ? { clashResolved } : {}),
    logs,
    couldCount: insertFailed !== undefined || context.hasKind('dmesg'),
  };
}

/**
 * The evidence every candidate shares. Without any insert failure on record, a flow's retry
 * alone is weak: a lost SYN has many causes.
 */
function weighHost(context: MatchContext, signs: ClashSigns, protocol: 'tcp' | 'udp'): Weighing {
  const seen = counted(signs.insertFailed) || signs.logs.length > 0;
  const w = new Weighing(seen || signs.couldCount ? DEFAULT_PRIOR : DEFAULT_PRIOR - 0.5);
  const insertFailed = counting(signs.insertFailed);
  if (insertFailed) {
    w.for('strong', {
      ...insertFailed.pointer,
      note: `${insertFailed.pointer.note}: conntrack could not insert new entries because their tuple was taken`,
    });
    if ((insertFailed.growth ?? 0) > 0)
      w.for('moderate', {
        ...insertFailed.pointer,
        note: 'insert_failed rose while the bundle was collected: the clash is happening now',
      });
  } else if (signs.insertFailed) {
    w.against('strong', {
      ...signs.insertFailed.pointer,
      note: `${signs.insertFailed.pointer.note}: no insert ever failed`,
    });
  }
  if (signs.logs[0])
    w.for(counted(signs.insertFailed) ? 'weak' : 'strong', {
      ...signs.logs[0],
      note: `kernel: ${signs.logs[0].note}`,
    });
  const resolved = counting(signs.clashResolved);
  if (resolved)
    w.for('weak', {
      ...resolved.pointer,
      note: `${resolved.pointer.note}: clashes happen here (these ones the kernel resolved)`,
    });

  const full = context.logs(['CONNTRACK_TABLE_FULL'])[0];
  const earlyDrop = counting(conntrackCounter(context, 'early_drop'));
  if (full)
    w.against(
      'moderate',
      pointerAt(
        full.locator,
        `the table was full, which also drops new flows: ${full.message.slice(0, 100)}`,
      ),
    );
  else if (earlyDrop)
    w.against('moderate', {
      ...earlyDrop.pointer,
      note: `${earlyDrop.pointer.note}: the table was full at times`,
    });
  const overflow = counting(netCounter(context, 'TcpExtListenOverflows'));
  if (protocol === 'tcp' && overflow)
    w.against('weak', {
      ...overflow.pointer,
      note: `${overflow.pointer.note}: a listener's accept queue also overflowed`,
    });

  const rules = context.rules;
  const plain = rules.sourceNat.find((r) => r.rule.target?.options['random-fully'] === undefined);
  if (plain)
    w.for('moderate', {
      ...plain.pointer,
      note: `source NAT without --random-fully: ${plain.pointer.note}`,
    });
  else if (rules.sourceNat.length > 0)
    w.against('moderate', {
      ...rules.sourceNat[0]!.pointer,
      note: `every source NAT rule picks ports with --random-fully: ${rules.sourceNat[0]!.pointer.note}`,
    });
  else if (rules.present && protocol === 'tcp')
    w.against('moderate', {
      artifact: context.evidence.rulesets[0]!.locator.artifact,
      locator: '',
      note: 'no SNAT or MASQUERADE rule: nothing here translates source ports',
    });
  return w;
}

/** Two live entries whose replies look the same: the two origins the clash mapped to one tuple. */
interface Clash {
  readonly first: ConntrackEntry;
  readonly second: ConntrackEntry;
}

function clashingEntries(context: MatchContext): Clash[] {
  const found: Clash[] = [];
  const live = new Map<string, ConntrackEntry>();
  for (const event of context.evidence.conntrackEvents) {
    const reply = tupleKey(event.protocol, event.reply);
    const original = tupleKey(event.protocol, event.original);
    const holder = live.get(reply);
    if (event.type === 'DESTROY') {
      if (holder && tupleKey(holder.protocol, holder.original) === original) live.delete(reply);
      continue;
    }
    if (holder && tupleKey(holder.protocol, holder.original) !== original)
      found.push({ first: holder, second: event });
    else if (event.type === 'NEW') live.set(reply, event);
  }
  const listed = new Map<string, ConntrackEntry>();
  for (const entry of context.evidence.conntrackEntries) {
    const reply = tupleKey(entry.protocol, entry.reply);
    const other = listed.get(reply);
    if (
      other &&
      tupleKey(other.protocol, other.original) !== tupleKey(entry.protocol, entry.original)
    )
      found.push({ first: other, second: entry });
    else listed.set(reply, entry);
  }
  return found;
}

function fromClash(context: MatchContext, signs: ClashSigns, clash: Clash): Candidate {
  const protocol = clash.second.protocol === 'udp' ? 'udp' : 'tcp';
  const w = weighHost(context, signs, protocol);
  const o1 = clash.first.original;
  const o2 = clash.second.original;
  const reply = `${tupleEndpoint(clash.second.reply.dst, clash.second.reply.dstPort)}`;
  w.for(
    'decisive',
    pointerAt(
      clash.second.locator,
      `${tupleEndpoint(o2.src, o2.srcPort)} and ${tupleEndpoint(o1.src, o1.srcPort)} are both translated to ${reply} towards ${tupleEndpoint(o2.dst, o2.dstPort)}`,
    ),
  );
  const flow: FlowRef = {
    client: tupleEndpoint(o2.src, o2.srcPort),
    server: tupleEndpoint(o2.dst, o2.dstPort),
  };
  return {
    rootCause: ID,
    flow,
    weighing: w,
    summary: `${flow.client} and ${tupleEndpoint(o1.src, o1.srcPort)} were translated to the same source ${reply} towards ${flow.server}: one tuple for two connections, so conntrack cannot keep both and packets of one are dropped.`,
    narrative: [
      {
        ...timeOf(clash.first),
        text: `${tupleEndpoint(o1.src, o1.srcPort)} → ${flow.server} leaves as ${reply}`,
        evidence: pointerAt(clash.first.locator, 'first entry'),
      },
      {
        ...timeOf(clash.second),
        text: `${flow.client} → ${flow.server} is given the same ${reply}`,
        evidence: pointerAt(clash.second.locator, 'second entry, same reply tuple'),
      },
    ],
    notes: kernelNotes(context, protocol),
    nextEvidence: nextEvidence(signs),
  };
}

/** A new flow's first packets lost: once and answered on the retry, or never answered. */
function fromSynLoss(
  context: MatchContext,
  signs: ClashSigns,
  attempt: ConnectAttempt,
): Candidate | undefined {
  const { flow, synRetries } = attempt;
  if (synRetries.length === 0 || attempt.synAckRetries.length > 0) return undefined;
  const firstGap = seconds(synRetries[0]!.intervalUs ?? 0);
  const lastSyn = synRetries[synRetries.length - 1]!;
  const synAck = flow.handshake.synAckPacket;
  const answer = synAck === undefined ? undefined : context.packet(flow.capture, synAck);
  const answeredAtOnce = answer !== undefined && answer.timeUs - lastSyn.timeUs <= 500_000;
  const classic =
    attempt.completed &&
    answeredAtOnce &&
    synRetries.length <= 2 &&
    Math.abs(firstGap - INITIAL_RTO_SEC) <= 0.5;
  if (attempt.completed && !classic) return undefined;

  const w = weighHost(context, signs, 'tcp');
  const syn = flow.handshake.synPacket!;
  const lastIndex = lastSyn.locator.packet ?? syn;
  if (classic)
    w.for(
      synRetries.length === 1 ? 'moderate' : 'weak',
      packetPointer(
        flow.capture,
        lastIndex,
        `the SYN was lost and sent again ${durationText(firstGap)} later (the initial RTO, ${INITIAL_RTO_SEC} s); the retry was answered in ${durationText((answer.timeUs - lastSyn.timeUs) / 1e6)}`,
      ),
    );
  else
    w.for(
      'moderate',
      packetPointer(
        flow.capture,
        syn,
        `no SYN of this connection was answered: ${synScheduleText(attempt, context.settings)}`,
      ),
    );
  const contention = weighContention(w, context, flow, flow.firstUs);
  const translated = snatOf(context, flow);
  if (translated)
    w.for('moderate', {
      artifact: flow.capture,
      locator: `packet ${syn}`,
      note: `this connection leaves source-NATed as ${translated}`,
    });
  const ref = flowRef(flow);
  for (const log of connectFailureLogs(context, ref).slice(0, 1)) w.for('weak', log);

  const narrative: NarrativeStep[] = [
    {
      time: timeText(flow.firstUs),
      text: `${ref.client} sends a SYN to ${ref.server}${contention.rival ? ` while ${endpointText(contention.rival.client)} talks to the same server` : ''}`,
      evidence: packetPointer(flow.capture, syn, 'SYN'),
    },
    {
      text: `source NAT maps it to a tuple another connection already holds${contention.pool ? ` (${contention.pool})` : ''}; the conntrack insert fails, insert_failed rises and the packet is dropped`,
    },
    {
      time: timeText(lastSyn.timeUs),
      text: classic
        ? `the client retransmits the SYN after ${durationText(firstGap)}; it gets a fresh translation and is answered`
        : `the client retransmits (${synScheduleText(attempt, context.settings)}), each retry meeting the same taken tuple`,
      evidence: packetPointer(flow.capture, lastIndex, lastSyn.note),
    },
  ];
  if (contention.handover) narrative.push(contention.handover.step);
  const inserts =
    signs.insertFailed && counted(signs.insertFailed)
      ? `; conntrack counted ${signs.insertFailed.value} failed inserts`
      : '';
  return {
    rootCause: ID,
    flow: ref,
    weighing: w,
    summary: classic
      ? `${ref.client} → ${ref.server} lost its first SYN and connected ${durationText(firstGap)} late on the retry${inserts}: its translation clashed with another connection's and the conntrack insert failed.`
      : `${ref.client} → ${ref.server} never got an answer to its SYNs${inserts}: source NAT could only give it a tuple another connection${contention.rival ? ` (${endpointText(contention.rival.client)})` : ''} already held, so every insert failed and the SYNs were dropped.`,
    narrative,
    notes: kernelNotes(context, 'tcp'),
    nextEvidence: nextEvidence(signs),
  };
}

/** Datagrams from one socket dropped and sent again: a resolver retrying a query that never arrived. */
function fromDatagramRetry(
  context: MatchContext,
  signs: ClashSigns,
  flow: Flow,
  packets: readonly Packet[],
): Candidate | undefined {
  const sent = packets.filter((p) => p.src === flow.client.ip && p.srcPort === flow.client.port);
  const replies = packets.filter((p) => p.src === flow.server.ip && p.srcPort === flow.server.port);
  // One-way streams (statsd, syslog) never get answers: silence there is normal.
  if (replies.length === 0) return undefined;
  for (const first of sent) {
    const burst = sent.filter(
      (p) => p.timeUs >= first.timeUs && p.timeUs - first.timeUs <= SAME_INSTANT_US,
    );
    const answered = replies.filter(
      (r) => r.timeUs >= first.timeUs && r.timeUs - first.timeUs <= MIN_RETRY_US,
    ).length;
    if (answered >= burst.length) continue;
    const retry = sent.find(
      (p) =>
        p.timeUs - first.timeUs >= MIN_RETRY_US &&
        p.payloadLength === first.payloadLength &&
        replies.filter((r) => r.timeUs > first.timeUs && r.timeUs < p.timeUs).length < burst.length,
    );
    if (!retry) continue;

    const w = weighHost(context, signs, 'udp');
    const gap = seconds(retry.timeUs - first.timeUs);
    const retryIndex = retry.locator.packet ?? 0;
    const firstIndex = first.locator.packet ?? 0;
    const resolverTimeout = Math.abs(gap - RESOLVER_TIMEOUT_SEC) <= 1;
    w.for(
      'moderate',
      packetPointer(
        flow.capture,
        retryIndex,
        `sent again ${durationText(gap)} after ${burst.length > 1 ? `${burst.length} datagrams` : 'a datagram'} got no answer${resolverTimeout ? ` (the resolver's default ${RESOLVER_TIMEOUT_SEC} s timeout)` : ''}, while this socket is answered at other times`,
      ),
    );
    if (burst.length > 1) {
      w.for(
        'weak',
        packetPointer(
          flow.capture,
          firstIndex,
          `${burst.length} datagrams left this socket within ${durationText((burst[burst.length - 1]!.timeUs - first.timeUs) / 1e6)}: parallel queries race through conntrack`,
        ),
      );
      if (context.settings.kernelAtLeast(5, 6)) {
        const kernel = context.settings.kernelPointer(
          `kernel ${context.settings.kernel!.release}: clashing UDP entries of one socket are accepted since 5.6`,
        );
        if (kernel) w.against('weak', kernel);
      }
    }
    const contention = weighContention(w, context, flow, first.timeUs);
    for (const log of connectFailureLogs(context, flowRef(flow)).slice(0, 1)) w.for('weak', log);
    const ref = flowRef(flow);
    const narrative: NarrativeStep[] = [
      {
        time: timeText(first.timeUs),
        text: `${ref.client} sends ${burst.length > 1 ? `${burst.length} datagrams at once` : 'a datagram'} to ${ref.server}${contention.rival ? ` while ${endpointText(contention.rival.client)} holds a translation to the same server` : ''}`,
        evidence: packetPointer(flow.capture, firstIndex, 'first datagram'),
      },
      {
        text: `source NAT gives it a tuple already taken${contention.pool ? ` (${contention.pool})` : ''}; the conntrack insert fails and the datagram is dropped`,
      },
      {
        time: timeText(retry.timeUs),
        text: `nothing answers, and the sender asks again after ${durationText(gap)}`,
        evidence: packetPointer(flow.capture, retryIndex, 'retry'),
      },
    ];
    if (contention.handover) narrative.push(contention.handover.step);
    return {
      rootCause: ID,
      flow: ref,
      weighing: w,
      summary: `${ref.client} → ${ref.server}: datagrams went unanswered and were sent again ${durationText(gap)} later${contention.rival ? `, while ${endpointText(contention.rival.client)} held the translation to the same server` : ''}: the conntrack insert of the new translation failed and its packets were dropped.`,
      narrative,
      notes: kernelNotes(context, 'udp'),
      nextEvidence: [
        ...nextEvidence(signs),
        'resolv.conf `options single-request-reopen` on the client: if the delays stop, the parallel-query race is confirmed',
      ],
    };
  }
  return undefined;
}

/** What shows the translation was contended: a rival holding it, a tiny port pool, the hand-over in conntrack -E. */
interface Contention {
  readonly rival?: Flow;
  readonly pool?: string;
  readonly handover?: { readonly step: NarrativeStep };
}

function weighContention(w: Weighing, context: MatchContext, flow: Flow, atUs: number): Contention {
  const out: { rival?: Flow; pool?: string; handover?: { step: NarrativeStep } } = {};
  const rival = rivalOf(context, flow, atUs);
  const pool = smallestPool(context, flow.protocol);
  if (rival) {
    out.rival = rival;
    const samePort = rival.client.port === flow.client.port;
    const sharedPool = pool !== undefined && pool.ports <= 2;
    const why = samePort
      ? 'from the same source port: source NAT must give one of them another port'
      : sharedPool
        ? `and source NAT has only ${pool.ports} port(s) to give both`
        : 'at the same time';
    w.for(
      samePort || sharedPool ? 'moderate' : 'weak',
      packetPointer(
        rival.capture,
        rival.firstPacket,
        `${endpointText(rival.client)} was talking to the same server ${why}`,
      ),
    );
  }
  if (pool && pool.ports <= 64) {
    out.pool = `${pool.ports} source port(s) to share`;
    w.for('moderate', {
      ...pool.rule.pointer,
      note: `source NAT translates to only ${pool.ports} port(s): ${pool.rule.pointer.note}`,
    });
  }
  const handover = handoverTo(context, flow);
  if (handover) {
    const { destroyed, created } = handover;
    const timer =
      handover.heldSec === undefined
        ? undefined
        : coincidingTimer(handover.heldSec, timeoutKeys(flow.protocol), context.settings);
    w.for(
      'moderate',
      pointerAt(
        created.locator,
        `the translation ${tupleEndpoint(created.reply.dst, created.reply.dstPort)} passed to this connection only when ${tupleEndpoint(destroyed.original.src, destroyed.original.srcPort)} released it${timer ? ` (${describeTimer(timer, handover.heldSec!)})` : ''}`,
      ),
    );
    out.handover = {
      step: {
        ...timeOf(created),
        text: `${tupleEndpoint(destroyed.original.src, destroyed.original.srcPort)}'s entry ${timer ? `expires (${describeTimer(timer, handover.heldSec!)})` : 'goes away'}, and only then does this connection get the translation`,
        evidence: pointerAt(created.locator, 'NEW on the same reply tuple'),
      },
    };
  }
  return out;
}

/** Another connection to the same server whose conntrack entry was alive when this one started. */
function rivalOf(context: MatchContext, flow: Flow, atUs: number): Flow | undefined {
  const lingerUs =
    (context.settings.number(
      flow.protocol === 'udp'
        ? 'net.netfilter.nf_conntrack_udp_timeout'
        : 'net.netfilter.nf_conntrack_tcp_timeout_time_wait',
    ) ?? 0) * 1e6;
  return context.evidence.flows.find(
    (other) =>
      other !== flow &&
      other.protocol === flow.protocol &&
      endpointText(other.server) === endpointText(flow.server) &&
      endpointText(other.client) !== endpointText(flow.client) &&
      other.firstUs <= atUs + SAME_INSTANT_US &&
      other.lastUs + lingerUs >= atUs,
  );
}

/** The SNAT rule for this protocol with the fewest ports to hand out, when it names a range. */
function smallestPool(
  context: MatchContext,
  protocol: 'tcp' | 'udp',
): { rule: NotableRule; ports: number } | undefined {
  let best: { rule: NotableRule; ports: number } | undefined;
  for (const rule of context.rules.sourceNat) {
    const proto = rule.rule.matches.find(
      (m) => !m.negated && (m.options['protocol'] ?? m.options['p']),
    )?.options;
    const named = proto?.['protocol'] ?? proto?.['p'];
    if (named !== undefined && named !== protocol) continue;
    const options = rule.rule.target?.options ?? {};
    const ports = portCount(options['to-source'] ?? options['to-ports'] ?? '');
    if (ports !== undefined && (!best || ports < best.ports)) best = { rule, ports };
  }
  return best;
}

/** `10.0.0.1:40000-40001` → 2, `:53000` → 1, `1024-65535` → 64512; no ports → undefined. */
function portCount(spec: string): number | undefined {
  const match = /(?:^|:)(\d{1,5})(?:-(\d{1,5}))?$/.exec(spec.trim());
  if (!match) return undefined;
  const lo = Number(match[1]);
  const hi = match[2] === undefined ? lo : Number(match[2]);
  return hi >= lo ? hi - lo + 1 : undefined;
}

/** conntrack -E: this flow's NEW took over a reply tuple another origin's entry had just released. */
function handoverTo(
  context: MatchContext,
  flow: Flow,
): { destroyed: ConntrackEvent; created: ConntrackEvent; heldSec?: number } | undefined {
  const events = context.evidence.conntrackEvents;
  for (let i = 0; i < events.length; i++) {
    const created = events[i]!;
    if (
      created.type !== 'NEW' ||
      created.original.src !== flow.client.ip ||
      created.original.srcPort !== flow.client.port
    )
      continue;
    const reply = tupleKey(created.protocol, created.reply);
    const origin = tupleKey(created.protocol, created.original);
    for (let j = i - 1; j >= 0; j--) {
      const destroyed = events[j]!;
      if (destroyed.type !== 'DESTROY' || tupleKey(destroyed.protocol, destroyed.reply) !== reply)
        continue;
      if (tupleKey(destroyed.protocol, destroyed.original) === origin) break;
      if (
        created.timeUs !== undefined &&
        destroyed.timeUs !== undefined &&
        created.timeUs - destroyed.timeUs > 1_000_000
      )
        break;
      const lastUpdate = events
        .slice(0, j)
        .reverse()
        .find(
          (e) =>
            tupleKey(e.protocol, e.original) === tupleKey(destroyed.protocol, destroyed.original),
        );
      const heldSec =
        lastUpdate?.timeUs !== undefined && destroyed.timeUs !== undefined
          ? (destroyed.timeUs - lastUpdate.timeUs) / 1e6
          : undefined;
      return { destroyed, created, ...(heldSec === undefined ? {} : { heldSec }) };
    }
  }
  return undefined;
}

function timeoutKeys(protocol: 'tcp' | 'udp'): string[] {
  return protocol === 'udp'
    ? ['net.netfilter.nf_conntrack_udp_timeout', 'net.netfilter.nf_conntrack_udp_timeout_stream']
    : [
        'net.netfilter.nf_conntrack_tcp_timeout_time_wait',
        'net.netfilter.nf_conntrack_tcp_timeout_close',
        'net.netfilter.nf_conntrack_tcp_timeout_syn_sent',
      ];
}

function fromCountersOnly(context: MatchContext, signs: ClashSigns): Candidate {
  const w = weighHost(context, signs, 'tcp');
  const logs = connectFailureLogs(context);
  for (const log of logs.slice(0, 2)) w.for('weak', log);
  return {
    rootCause: ID,
    weighing: w,
    summary: `Conntrack failed to insert new entries${signs.insertFailed && counted(signs.insertFailed) ? ` (${signs.insertFailed.pointer.note})` : ''}: translations raced for the same tuple and the losing packets were dropped; no capture shows which connections paid for it.`,
    narrative: [],
    notes: kernelNotes(context, 'tcp'),
    nextEvidence: [
      'capture on the client during the delays: a SYN sent again after exactly 1 s, or a DNS query after 5 s, ties the drops to connections',
      ...nextEvidence(signs),
    ],
  };
}

/** The source the flow was translated to, when two captures show both sides of the NAT. */
function snatOf(context: MatchContext, flow: Flow): string | undefined {
  for (const c of context.evidence.correlations) {
    if (c.flowA !== flow.id && c.flowB !== flow.id) continue;
    const t = c.translation.client;
    if (t && endpointText(t.from) !== endpointText(t.to)) return endpointText(t.to);
  }
  return undefined;
}

function timeOf(entry: ConntrackEntry): { time?: string } {
  const t = (entry as { timeUs?: number }).timeUs;
  return t === undefined ? {} : { time: timeText(t) };
}

function kernelNotes(context: MatchContext, protocol: 'tcp' | 'udp'): string[] {
  if (protocol !== 'udp') return [];
  const atLeast56 = context.settings.kernelAtLeast(5, 6);
  const atLeast419 = context.settings.kernelAtLeast(4, 19);
  if (atLeast56)
    return [
      `kernel ${context.settings.kernel!.release} accepts clashing UDP entries (5.6+): the parallel-query race should heal itself here; remaining insert failures point at SNAT port clashes`,
    ];
  if (atLeast419)
    return [
      `kernel ${context.settings.kernel!.release} resolves UDP clashes only when both packets got the same NAT result (4.19+): queries DNATed to different DNS backends still lose one`,
    ];
  if (atLeast419 === false)
    return [
      `kernel ${context.settings.kernel!.release} predates UDP clash resolution (4.19): every parallel-query race loses a packet`,
    ];
  return [];
}

function nextEvidence(signs: ClashSigns): string[] {
  const out: string[] = [];
  if (signs.insertFailed?.growth === undefined)
    out.push(
      'run `conntrack -S` twice during the delays: insert_failed (and drop) rising while the table is far from full confirms it',
    );
  out.push(
    '`conntrack -E -o timestamp` on the NAT node: only one NEW for two connections that left at the same moment',
  );
  return out;
}
