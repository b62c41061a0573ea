import type { ConntrackEntry, Flow, Packet } from '@netmortem/domain';
import { tupleEndpoint, tupleKey } from '../context/conntrack-history.js';
import type { MatchContext } from '../context/match-context.js';
import { durationText, endpointText, packetPointer, pointerAt, timeText } from '../context/pointers.js';
import type { EvidencePointer, FlowRef, NarrativeStep } from '../report/analysis-report.js';
import { DEFAULT_PRIOR, Weighing } from '../scoring/weighing.js';
import { connectFailureLogs, troubledConnects, type ConnectAttempt } from './connect-failures.js';
import { conntrackCounter, counted, netCounter, type CounterReading } from './counter-readings.js';
import type { Candidate, Detector } from './detector.js';
import { flowRef, seconds } from './flow-signals.js';

const ID = 'snat-port-collision';
/** Linux's initial retransmission timeout: a lost SYN is sent again this long after. */
const INITIAL_RTO_SEC = 1;
/** The glibc resolver's default per-query timeout (resolv.conf `options timeout:5`). */
const RESOLVER_TIMEOUT_SEC = 5;
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
    for (const attempt of troubledConnects(context)) {
      const c = fromSynRetry(context, signs, attempt);
      if (c) candidates.push(c);
    }
    for (const flow of context.evidence.flows) {
      if (flow.protocol !== 'udp') continue;
      const c = fromDatagramRetry(context, signs, flow);
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
  if (counted(signs.insertFailed)) {
    w.for('strong', { ...signs.insertFailed.pointer, note: `${signs.insertFailed.pointer.note}: conntrack could not insert new entries because their tuple was taken` });
    if ((signs.insertFailed.growth ?? 0) > 0)
      w.for('moderate', { ...signs.insertFailed.pointer, note: 'insert_failed rose while the bundle was collected: the clash is happening now' });
  } else if (signs.insertFailed) {
    w.against('strong', { ...signs.insertFailed.pointer, note: `${signs.insertFailed.pointer.note}: no insert ever failed` });
  }
  if (signs.logs[0]) w.for(counted(signs.insertFailed) ? 'weak' : 'strong', { ...signs.logs[0], note: `kernel: ${signs.logs[0].note}` });
  if (counted(signs.clashResolved))
    w.for('weak', { ...signs.clashResolved.pointer, note: `${signs.clashResolved.pointer.note}: clashes happen here (these ones the kernel resolved)` });

  const full = context.logs(['CONNTRACK_TABLE_FULL'])[0];
  const earlyDrop = conntrackCounter(context, 'early_drop');
  if (full) w.against('moderate', pointerAt(full.locator, `the table was full, which also drops new flows: ${full.message.slice(0, 100)}`));
  else if (counted(earlyDrop)) w.against('moderate', { ...earlyDrop.pointer, note: `${earlyDrop.pointer.note}: the table was full at times` });
  const overflow = netCounter(context, 'TcpExtListenOverflows');
  if (protocol === 'tcp' && counted(overflow))
    w.against('weak', { ...overflow.pointer, note: `${overflow.pointer.note}: a listener's accept queue also overflowed` });

  const rules = context.rules;
  const plain = rules.sourceNat.find((r) => r.rule.target?.options['random-fully'] === undefined);
  if (plain) w.for('moderate', { ...plain.pointer, note: `source NAT without --random-fully: ${plain.pointer.note}` });
  else if (rules.sourceNat.length > 0)
    w.against('moderate', { ...rules.sourceNat[0]!.pointer, note: `every source NAT rule picks ports with --random-fully: ${rules.sourceNat[0]!.pointer.note}` });
  else if (rules.present && protocol === 'tcp')
    w.against('moderate', { artifact: context.evidence.rulesets[0]!.locator.artifact, locator: '', note: 'no SNAT or MASQUERADE rule: nothing here translates source ports' });
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
    if (holder && tupleKey(holder.protocol, holder.original) !== original) found.push({ first: holder, second: event });
    else if (event.type === 'NEW') live.set(reply, event);
  }
  const listed = new Map<string, ConntrackEntry>();
  for (const entry of context.evidence.conntrackEntries) {
    const reply = tupleKey(entry.protocol, entry.reply);
    const other = listed.get(reply);
    if (other && tupleKey(other.protocol, other.original) !== tupleKey(entry.protocol, entry.original))
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
  w.for('decisive', pointerAt(clash.second.locator, `${tupleEndpoint(o2.src, o2.srcPort)} and ${tupleEndpoint(o1.src, o1.srcPort)} are both translated to ${reply} towards ${tupleEndpoint(o2.dst, o2.dstPort)}`));
  const flow: FlowRef = { client: tupleEndpoint(o2.src, o2.srcPort), server: tupleEndpoint(o2.dst, o2.dstPort) };
  return {
    rootCause: ID,
    flow,
    weighing: w,
    summary: `${flow.client} and ${tupleEndpoint(o1.src, o1.srcPort)} were translated to the same source ${reply} towards ${flow.server}: one tuple for two connections, so conntrack cannot keep both and packets of one are dropped.`,
    narrative: [
      { ...timeOf(clash.first), text: `${tupleEndpoint(o1.src, o1.srcPort)} → ${flow.server} leaves as ${reply}`, evidence: pointerAt(clash.first.locator, 'first entry') },
      { ...timeOf(clash.second), text: `${flow.client} → ${flow.server} is given the same ${reply}`, evidence: pointerAt(clash.second.locator, 'second entry, same reply tuple') },
    ],
    notes: kernelNotes(context, protocol),
    nextEvidence: nextEvidence(signs),
  };
}

/** One SYN lost and its retry answered at once: the footprint of a dropped insert. */
function fromSynRetry(context: MatchContext, signs: ClashSigns, attempt: ConnectAttempt): Candidate | undefined {
  const { flow, synRetries } = attempt;
  if (!attempt.completed || synRetries.length === 0 || synRetries.length > 2) return undefined;
  if (attempt.synAckRetries.length > 0) return undefined;
  const firstGap = seconds(synRetries[0]!.intervalUs ?? 0);
  if (Math.abs(firstGap - INITIAL_RTO_SEC) > 0.5) return undefined;
  const lastSyn = synRetries[synRetries.length - 1]!;
  const synAck = flow.handshake.synAckPacket;
  const answer = synAck === undefined ? undefined : context.packet(flow.capture, synAck);
  if (!answer || answer.timeUs - lastSyn.timeUs > 500_000) return undefined;

  const w = weighHost(context, signs, 'tcp');
  const syn = flow.handshake.synPacket!;
  w.for(
    synRetries.length === 1 ? 'moderate' : 'weak',
    packetPointer(flow.capture, lastSyn.locator.packet ?? syn, `the SYN was lost once and sent again ${durationText(firstGap)} later (the initial RTO, ${INITIAL_RTO_SEC} s); the retry was answered in ${durationText((answer.timeUs - lastSyn.timeUs) / 1e6)}`),
  );
  const rival = concurrentSyn(context, flow);
  if (rival) {
    const samePort = rival.client.port === flow.client.port && rival.client.ip !== flow.client.ip;
    w.for(
      samePort ? 'moderate' : 'weak',
      packetPointer(rival.capture, rival.handshake.synPacket!, `${endpointText(rival.client)} connected to the same server ${durationText((rival.firstUs - flow.firstUs) / 1e6)} apart${samePort ? ', from the same source port: SNAT had to give one of them another port' : ''}`),
    );
  }
  const translated = snatOf(context, flow);
  if (translated)
    w.for('moderate', { artifact: flow.capture, locator: `packet ${syn}`, note: `this connection leaves source-NATed as ${translated}` });
  for (const log of connectFailureLogs(context, flowRef(flow)).slice(0, 1)) w.for('weak', log);

  const ref = flowRef(flow);
  const narrative: NarrativeStep[] = [
    { time: timeText(flow.firstUs), text: `${ref.client} sends a SYN to ${ref.server}${rival ? `, at the same moment as ${endpointText(rival.client)}` : ''}`, evidence: packetPointer(flow.capture, syn, 'SYN') },
    { text: 'source NAT picks the same port for both; the entry confirmed second clashes, insert_failed rises and the SYN is dropped' },
    { time: timeText(lastSyn.timeUs), text: `the client retransmits the SYN after ${durationText(firstGap)}; it gets a fresh entry and is answered`, evidence: packetPointer(flow.capture, lastSyn.locator.packet ?? syn, lastSyn.note) },
  ];
  return {
    rootCause: ID,
    flow: ref,
    weighing: w,
    summary: `${ref.client} → ${ref.server} lost its first SYN and connected ${durationText(firstGap)} late on the retry${rival ? `, while ${endpointText(rival.client)} connected to the same server at the same moment` : ''}${counted(signs.insertFailed) ? `; conntrack counted ${signs.insertFailed.value} failed inserts` : ''}: two translations picked the same tuple and the second insert failed.`,
    narrative,
    notes: kernelNotes(context, 'tcp'),
    nextEvidence: nextEvidence(signs),
  };
}

/** A datagram from one socket unanswered and sent again after the resolver's timeout. */
function fromDatagramRetry(context: MatchContext, signs: ClashSigns, flow: Flow): Candidate | undefined {
  const packets = datagrams(context, flow);
  const sent = packets.filter((p) => p.src === flow.client.ip && p.srcPort === flow.client.port);
  const replies = packets.filter((p) => p.src === flow.server.ip && p.srcPort === flow.server.port);
  for (let i = 0; i < sent.length; i++) {
    const first = sent[i]!;
    const burst = sent.filter((p) => p.timeUs >= first.timeUs && p.timeUs - first.timeUs <= SAME_INSTANT_US);
    const retry = sent.find((p) => {
      const gap = seconds(p.timeUs - first.timeUs);
      return gap > RESOLVER_TIMEOUT_SEC - 1 && gap < RESOLVER_TIMEOUT_SEC + 1 && burst.some((b) => b.payloadLength === p.payloadLength);
    });
    if (!retry) continue;
    const answered = replies.filter((r) => r.timeUs > first.timeUs && r.timeUs < retry.timeUs).length;
    if (answered >= burst.length) continue;

    const w = weighHost(context, signs, 'udp');
    const gap = seconds(retry.timeUs - first.timeUs);
    const retryIndex = retry.locator.packet ?? 0;
    const firstIndex = first.locator.packet ?? 0;
    w.for('moderate', packetPointer(flow.capture, retryIndex, `sent again ${durationText(gap)} after ${burst.length > 1 ? 'a burst' : 'a datagram'} left unanswered: the resolver's ${RESOLVER_TIMEOUT_SEC} s timeout`));
    if (burst.length > 1)
      w.for('moderate', packetPointer(flow.capture, firstIndex, `${burst.length} datagrams left this socket within ${durationText((burst[burst.length - 1]!.timeUs - first.timeUs) / 1e6)} and only ${answered} answer(s) came back: parallel queries racing through conntrack`));
    const fanOut = context.rules.statisticRules[0];
    if (burst.length > 1 && fanOut) w.for('weak', { ...fanOut.pointer, note: `the destination is spread over several backends, so racing packets can be given different NAT results: ${fanOut.pointer.note}` });
    for (const log of connectFailureLogs(context, flowRef(flow)).slice(0, 1)) w.for('weak', log);
    const ref = flowRef(flow);
    return {
      rootCause: ID,
      flow: ref,
      weighing: w,
      summary: `${ref.client} sent ${burst.length > 1 ? `${burst.length} datagrams at once` : 'a datagram'} to ${ref.server}; ${burst.length - answered} went unanswered and was sent again ${durationText(gap)} later (the resolver's timeout): the racing packets' conntrack inserts clashed and one was dropped.`,
      narrative: [
        { time: timeText(first.timeUs), text: `${ref.client} sends ${burst.length > 1 ? `${burst.length} datagrams in parallel (A and AAAA queries)` : 'a datagram'} to ${ref.server}`, evidence: packetPointer(flow.capture, firstIndex, 'first datagram') },
        { text: 'each creates its own conntrack entry before either is confirmed; the second insert fails and its datagram is dropped' },
        { time: timeText(retry.timeUs), text: `nothing answers it, and the resolver asks again after ${durationText(gap)}`, evidence: packetPointer(flow.capture, retryIndex, 'retry') },
      ],
      notes: kernelNotes(context, 'udp'),
      nextEvidence: [...nextEvidence(signs), 'resolv.conf `options single-request-reopen` on the client: if the 5 s delays stop, the parallel-query race is confirmed'],
    };
  }
  return undefined;
}

function fromCountersOnly(context: MatchContext, signs: ClashSigns): Candidate {
  const w = weighHost(context, signs, 'tcp');
  const logs = connectFailureLogs(context);
  for (const log of logs.slice(0, 2)) w.for('weak', log);
  return {
    rootCause: ID,
    weighing: w,
    summary: `Conntrack failed to insert new entries${counted(signs.insertFailed) ? ` (${signs.insertFailed.pointer.note})` : ''}: translations raced for the same tuple and the losing packets were dropped; no capture shows which connections paid for it.`,
    narrative: [],
    notes: kernelNotes(context, 'tcp'),
    nextEvidence: [
      'capture on the client during the delays: a SYN sent again after exactly 1 s, or a DNS query after 5 s, ties the drops to connections',
      ...nextEvidence(signs),
    ],
  };
}

function concurrentSyn(context: MatchContext, flow: Flow): Flow | undefined {
  return context.tcpFlows.find(
    (other) =>
      other !== flow &&
      other.handshake.synPacket !== undefined &&
      endpointText(other.server) === endpointText(flow.server) &&
      endpointText(other.client) !== endpointText(flow.client) &&
      Math.abs(other.firstUs - flow.firstUs) <= SAME_INSTANT_US,
  );
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

function datagrams(context: MatchContext, flow: Flow): Packet[] {
  const out: Packet[] = [];
  for (let i = flow.firstPacket; i <= flow.lastPacket; i++) {
    const p = context.packet(flow.capture, i);
    if (!p || p.protocol !== 17) continue;
    const forward = p.src === flow.client.ip && p.srcPort === flow.client.port && p.dst === flow.server.ip && p.dstPort === flow.server.port;
    const backward = p.dst === flow.client.ip && p.dstPort === flow.client.port && p.src === flow.server.ip && p.srcPort === flow.server.port;
    if (forward || backward) out.push(p);
  }
  return out;
}

function timeOf(entry: ConntrackEntry): { time?: string } {
  const t = (entry as { timeUs?: number }).timeUs;
  return t === undefined ? {} : { time: timeText(t) };
}

function kernelNotes(context: MatchContext, protocol: 'tcp' | 'udp'): string[] {
  if (protocol !== 'udp') return [];
  const atLeast56 = context.settings.kernelAtLeast(5, 6);
  const atLeast419 = context.settings.kernelAtLeast(4, 19);
  if (atLeast56) return [`kernel ${context.settings.kernel!.release} accepts clashing UDP entries (5.6+): the parallel-query race should heal itself here; remaining insert failures point at SNAT port clashes`];
  if (atLeast419) return [`kernel ${context.settings.kernel!.release} resolves UDP clashes only when both packets got the same NAT result (4.19+): queries DNATed to different DNS backends still lose one`];
  if (atLeast419 === false) return [`kernel ${context.settings.kernel!.release} predates UDP clash resolution (4.19): every parallel-query race loses a packet`];
  return [];
}

function nextEvidence(signs: ClashSigns): string[] {
  const out: string[] = [];
  if (signs.insertFailed?.growth === undefined)
    out.push('run `conntrack -S` twice during the delays: insert_failed (and drop) rising while the table is far from full confirms it');
  out.push('`conntrack -E -o timestamp` on the NAT node: only one NEW for two connections that left at the same moment');
  return out;
}
