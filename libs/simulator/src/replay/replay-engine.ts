import { formatLocator, TcpFlag, type ConntrackEvent, type Packet } from '@netmortem/domain';
import {
  ConntrackTable,
  conntrackSettingsFromSysctls,
  isKernelProfileId,
  kernelProfileById,
  kernelProfileFor,
  type ConntrackRecord,
  type KernelProfile,
  type TrackVerdict,
} from '../conntrack/index.js';
import { TupleIndex } from '../conntrack/tuple-index.js';
import {
  EndpointHost,
  defaultEndpointSettings,
  endpointSettingsFromSysctls,
} from '../endpoints/index.js';
import { invertTuple, tupleKey, type CtInfo, type Tuple } from '../model/index.js';
import {
  FlowVerdictCache,
  RulesetEvaluator,
  type ChainResult,
  type ConntrackView,
  type Hook,
  type NatDecision,
  type PacketHeaders,
  type TableName,
} from '../netfilter/index.js';
import { listingDisagreements, socketDisagreements } from './anchor-checks.js';
import { anchorTuple, ConntrackAnchors } from './conntrack-anchors.js';
import { ResponseWatcher } from './observed-responses.js';
import { tupleOf, wireKey, withTuple } from './packet-tuples.js';
import { WireIndex } from './wire-index.js';
import { hostPort, tupleText } from './format.js';
import { inferLocalAddresses, plainAddress } from './local-addresses.js';
import { findDuplicates, mergeByTime } from './packet-order.js';
import {
  PacketPath,
  ReplayStep,
  ReplaySteps,
  StepStore,
  type PredictedResponse,
} from './replay-step.js';
import type { EntrySnapshot, TimelineRecord } from './replay-timeline.js';
import type { ReplayEvidence, ReplayInputSummary, ReplayOptions } from './replay-types.js';
import { seededRandom } from './seeded-random.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const RST = TcpFlag.RST;
const SYN = TcpFlag.SYN;
const ACK = TcpFlag.ACK;

/** `filter INPUT` and co., made once: the filter runs on every packet. */
const FILTER_CHAIN_NAMES: Readonly<Record<Hook, string>> = {
  PREROUTING: 'filter PREROUTING',
  INPUT: 'filter INPUT',
  FORWARD: 'filter FORWARD',
  OUTPUT: 'filter OUTPUT',
  POSTROUTING: 'filter POSTROUTING',
};

/** How often (in capture time) entries nobody touches are checked for expiry. */
const SWEEP_EVERY_US = 1_000;

const LONG_LIVED_SOCKET_STATES = new Set(['LISTEN', 'ESTAB', 'CLOSE-WAIT', 'FIN-WAIT-2']);

/** A DESTROY this far before the replay's own expiry was done to the entry, not by its timer. */
const EXTERNAL_DESTROY_SLACK_US = 2_000_000;

/** How a packet captured after NAT was mapped back: through a replayed entry or an anchor. */
interface Recovery {
  readonly packet: Packet;
  readonly entry?: ConntrackRecord;
  readonly anchor?: string;
}

function recoveryText(recovery: Recovery): string {
  return recovery.entry
    ? `entry ${recovery.entry.id}`
    : `conntrack anchor ${recovery.anchor ?? '?'}`;
}

/** The state a replay finishes with, for reports and what-if comparisons. */
export interface ReplayOutcome {
  readonly steps: ReplaySteps;
  readonly timeline: TimelineRecord[];
  readonly input: ReplayInputSummary;
}

/**
 * Replays packets through one modelled Linux host: conntrack, the iptables tables at each
 * hook, routing to a local socket or onwards, and the socket's answer. Captures are merged in
 * time order; a packet seen twice (another interface, another capture) is tracked once.
 *
 * Capture points matter: a packet arriving on the captured interface is seen before
 * PREROUTING (before NAT), a packet leaving through it (sent or forwarded) after POSTROUTING
 * (after NAT). A packet whose tuple conntrack does not know but which is the translated form
 * of a known binding is therefore mapped back through it (or through a conntrack anchor's
 * binding, for a SYN this host sent) before conntrack sees it.
 */
export class ReplayEngine {
  private readonly table: ConntrackTable;
  private readonly evaluator: RulesetEvaluator;
  private readonly host: EndpointHost;
  private readonly profile: KernelProfile;
  private readonly kernelFrom: string;
  private readonly local: Set<string>;
  private readonly localSources: string[];
  private readonly anchors: ConntrackAnchors;
  private readonly tables: Record<TableName, boolean>;
  private readonly listeners = new Set<string>();

  private steps = new ReplaySteps(new StepStore([]));
  /** Position of the packet being replayed. */
  private current = -1;
  private readonly timeline: TimelineRecord[] = [];
  /** Confirmed entries by original-tuple key, for anchors and re-NAT detection. */
  private readonly live = new Map<string, ConntrackRecord>();
  /** Last NAT binding per original tuple, kept after the entry is gone. */
  private readonly bindings = new TupleIndex<{ reply: Tuple; entryId: number }>();
  /** Original tuples the replay ever tracked (anchors about other flows are not comparable). */
  private readonly everTracked = new Set<string>();
  /** Post-NAT wire tuple → pre-NAT tuple, for packets this host sent. */
  private readonly wire = new WireIndex();
  private readonly responses = new ResponseWatcher();
  /** Entries removed by a conntrack event: found dead again later by their timer, reported once. */
  private readonly flushed = new Set<number>();
  /** The evidence has conntrack listings or events to compare with. */
  private readonly anchored: boolean;
  /** Wire tuples (as the SYN looked) that a local socket accepted (a SYN-ACK was captured). */
  private readonly acceptedSyns = new Set<string>();
  /** Per confirmed entry (by id): the mangle/filter results its packets got (flow offload). */
  private readonly flowCaches = new Map<number, FlowVerdictCache>();
  private readonly headers: Mutable<PacketHeaders> = {
    family: 4,
    protocol: 0,
    src: '',
    dst: '',
    srcPort: 0,
    dstPort: 0,
    tcpFlags: 0,
  };
  private readonly view: Mutable<ConntrackView> = {
    ctinfo: 'NEW',
    assured: false,
    seenReply: false,
    dnat: false,
    snat: false,
    mark: 0,
  };
  private eventCursor = 0;
  private nextSweepUs = Number.NEGATIVE_INFINITY;
  private readonly seed: number;
  private readonly settingsOverridden: string[];

  constructor(
    private readonly evidence: ReplayEvidence,
    private readonly options: ReplayOptions = {},
  ) {
    const sysctls: Record<string, string> = {};
    for (const set of evidence.sysctls ?? []) Object.assign(sysctls, set.values);
    Object.assign(sysctls, options.settings ?? {});
    this.settingsOverridden = Object.keys(options.settings ?? {});

    if (options.kernel !== undefined) {
      this.profile = isKernelProfileId(options.kernel)
        ? kernelProfileById(options.kernel)
        : kernelProfileFor(options.kernel);
      this.kernelFrom = `--kernel ${options.kernel}`;
    } else {
      const kernel = evidence.kernels?.[0];
      this.profile = kernelProfileFor(kernel?.release ?? '');
      this.kernelFrom = kernel
        ? `${kernel.release} (${formatLocator(kernel.locator)})`
        : 'no kernel in the evidence: newest profile assumed';
    }

    if (options.localAddresses) {
      this.local = new Set(options.localAddresses.map(plainAddress));
      this.localSources = [...this.local].map((ip) => `${ip} (given)`);
    } else {
      const inferred = inferLocalAddresses(evidence.packets, evidence.sockets ?? []);
      this.local = inferred.addresses;
      this.localSources = inferred.sources;
    }

    this.seed = options.seed ?? 1;
    this.table = new ConntrackTable({
      settings: conntrackSettingsFromSysctls(sysctls),
      profile: this.profile,
      // A translated connection whose reply tuple is taken gets another source port, as the
      // kernel's unique-tuple search gives it; its own stream keeps NAT picks reproducible.
      random: seededRandom(this.seed + 1),
    });
    const rulesets = evidence.rulesets ?? [];
    this.evaluator = new RulesetEvaluator(rulesets, {
      localAddresses: this.local,
      random: seededRandom(this.seed),
    });
    this.tables = {
      raw: this.evaluator.has('raw'),
      mangle: this.evaluator.has('mangle'),
      nat: this.evaluator.has('nat'),
      filter: this.evaluator.has('filter'),
    };
    this.host = new EndpointHost({
      addresses: this.local,
      // Defaults follow the kernel (the challenge ACK limit changed in 6.0), sysctls override.
      settings: endpointSettingsFromSysctls(sysctls, defaultEndpointSettings(this.profile)),
      profile: this.profile,
    });
    // ss is usually taken after the capture: listeners and long-lived connections are taken
    // as present from the start, short-lived states (TIME-WAIT, SYN-*) are not.
    const startUs = evidence.packets.reduce(
      (min, p) => Math.min(min, p.timeUs),
      Number.POSITIVE_INFINITY,
    );
    for (const socket of evidence.sockets ?? []) {
      if (socket.protocol !== 'tcp' || !LONG_LIVED_SOCKET_STATES.has(socket.state)) continue;
      this.host.seed(socket, Number.isFinite(startUs) ? startUs : 0);
      if (socket.state === 'LISTEN')
        this.listeners.add(`${plainAddress(socket.local.ip)}|${socket.local.port}`);
    }
    this.anchors = new ConntrackAnchors(
      evidence.conntrackEntries ?? [],
      evidence.conntrackEvents ?? [],
    );
    this.anchored =
      (evidence.conntrackEntries?.length ?? 0) + (evidence.conntrackEvents?.length ?? 0) > 0;
  }

  run(extraPackets: readonly Packet[] = []): ReplayOutcome {
    const ordered = mergeByTime(
      extraPackets.length > 0 ? [...this.evidence.packets, ...extraPackets] : this.evidence.packets,
    );
    const firstSeen = findDuplicates(ordered, this.options.duplicateWindowUs ?? 10_000);
    const twin = new Int32Array(ordered.length).fill(-1);
    let duplicates = 0;
    for (let i = 0; i < ordered.length; i++) {
      const first = firstSeen[i] as number;
      if (first >= 0) {
        duplicates++;
        if ((twin[first] as number) < 0) twin[first] = i;
      }
    }
    this.noteAcceptedSyns(ordered);

    const store = new StepStore(ordered);
    const steps = new ReplaySteps(store);
    this.steps = steps;
    for (let i = 0; i < ordered.length; i++) {
      const packet = ordered[i] as Packet;
      const step = new ReplayStep(store, i);
      this.current = i;
      const synthetic = (packet as { syntheticNote?: string }).syntheticNote;
      if (synthetic !== undefined) step.synthetic = synthetic;
      const first = firstSeen[i] as number;
      if (first >= 0) {
        step.path = PacketPath.Duplicate;
        step.sameAs = first;
        const original = new ReplayStep(store, first);
        step.ctinfo = original.ctinfo;
        step.entryId = original.entryId;
        continue;
      }
      this.applyAnchorsUpTo(packet.timeUs);
      // A packet finds its own entry dead by itself (the table checks the time on lookup), so
      // sweeping the other timers once per millisecond of capture time changes no verdict;
      // expiries keep their exact time and the timeline is put in time order at the end.
      if (packet.timeUs >= this.nextSweepUs) {
        this.expireUpTo(packet.timeUs);
        this.nextSweepUs = packet.timeUs + SWEEP_EVERY_US;
      }
      this.process(step, i, packet, twin[i] as number, ordered);
    }
    const last = ordered[ordered.length - 1];
    if (last) this.expireUpTo(last.timeUs);
    const endUs = last?.timeUs ?? 0;
    this.timeline.push(
      ...listingDisagreements(
        this.evidence.conntrackEntries ?? [],
        this.everTracked,
        this.live,
        endUs,
      ),
      ...socketDisagreements(
        this.evidence.sockets ?? [],
        steps,
        (local, remote) => this.host.lookup(local, remote)?.state,
        endUs,
      ),
    );
    const captures = captureNames(ordered);
    return {
      steps,
      timeline: this.timeline.sort((a, b) => a.timeUs - b.timeUs),
      input: {
        packets: ordered.length,
        captures,
        duplicates,
        localAddresses: [...this.local],
        localAddressSources: this.localSources,
        kernelProfile: this.profile.id,
        kernelFrom: this.kernelFrom,
        settingsOverridden: this.settingsOverridden,
        rulesets: this.evidence.rulesets?.length ?? 0,
        seed: this.seed,
      },
    };
  }

  // ---------------------------------------------------------------- the packet path

  private process(
    step: ReplayStep,
    position: number,
    captured: Packet,
    twin: number,
    ordered: readonly Packet[],
  ): void {
    const now = captured.timeUs;
    const sent =
      captured.direction === 'out' || (captured.direction !== 'in' && this.local.has(captured.src));
    step.path = sent ? PacketPath.Out : PacketPath.In;

    if (this.responses.size > 0) this.responses.match(step, position, captured, this.steps);

    let packet = captured;
    let recoveredFrom: Recovery | undefined;
    const h = this.headers;
    this.loadHeaders(packet);
    const v = this.view;
    const firstHook: Hook = sent ? 'OUTPUT' : 'PREROUTING';

    // raw: before conntrack, so rules see no entry (ctstate INVALID would match, as in the kernel).
    v.ctinfo = 'INVALID';
    v.assured = v.seenReply = v.dnat = v.snat = false;
    v.mark = 0;
    v.direction = undefined;
    v.original = v.reply = undefined;
    if (this.tables.raw) {
      const raw = this.evaluator.run('raw', firstHook, h, v, 'verdict');
      if (this.decided(step, raw, 'raw', firstHook)) return;
      if (raw.notrack) {
        step.ctinfo = 'UNTRACKED';
        step.natSkipped = 'UNTRACKED (raw table NOTRACK)';
        v.ctinfo = 'UNTRACKED';
        this.afterConntrack(
          step,
          packet,
          captured,
          sent,
          undefined,
          now,
          twin,
          ordered,
          recoveredFrom,
        );
        return;
      }
    }

    // A packet leaving through the captured interface (sent or forwarded) was captured after
    // NAT: when a live binding explains it as the translated form of a known connection, it
    // is replayed as conntrack saw it, before NAT.
    if (this.wire.size > 0 && captured.srcPort !== undefined) {
      const binding = this.wire.find(captured);
      if (
        binding &&
        !(this.responses.size > 0 && this.responses.answersUntranslated(wireKey(captured)))
      ) {
        packet = withTuple(captured, binding.tuple);
        recoveredFrom = { packet, entry: binding.entry };
        this.loadHeaders(packet);
      }
    }
    let verdict = this.table.track(packet, now);
    // A SYN this host sent, captured after NAT, for which only a conntrack anchor knows the
    // original destination.
    if (
      verdict.created &&
      sent &&
      recoveredFrom === undefined &&
      verdict.replaced === undefined &&
      this.anchors.hasBindings
    ) {
      const recovered = this.anchorPreNatForm(captured, now);
      if (recovered) {
        if (verdict.expired) {
          for (const gone of verdict.expired)
            this.entryGone(gone.entry, gone.atUs, 'expired', undefined, gone.timer);
        }
        if (verdict.created && verdict.entry) this.table.discard(verdict.entry);
        packet = recovered.packet;
        recoveredFrom = recovered;
        this.loadHeaders(packet);
        verdict = this.table.track(packet, now);
      }
    }
    step.ctinfo = verdict.ctinfo;
    const entry = verdict.entry;
    if (entry) {
      step.entryId = entry.id;
      step.stateBefore = verdict.stateBefore ?? null;
      step.stateAfter = verdict.stateAfter ?? entry.tcpState ?? null;
    }
    if (verdict.invalidReason !== undefined) step.invalidReason = verdict.invalidReason;
    if (verdict.ignored !== undefined) step.note(verdict.ignored);
    if (verdict.expired) {
      for (const gone of verdict.expired)
        this.entryGone(gone.entry, gone.atUs, 'expired', undefined, gone.timer);
    }
    if (verdict.replaced) this.entryGone(verdict.replaced, now, 'destroyed', position);
    if (verdict.earlyDropped) {
      this.entryGone(verdict.earlyDropped, now, 'destroyed', position);
      step.note(
        `table full: entry ${verdict.earlyDropped.id} (not assured) was dropped early to make room`,
      );
    }
    if (verdict.dropped === 'table-full') {
      step.filterVerdict = 'DROP';
      step.filterChain = 'conntrack';
      step.note('nf_conntrack: table full, dropping packet');
      return;
    }
    if (
      entry &&
      entry.confirmed &&
      verdict.stateBefore !== verdict.stateAfter &&
      verdict.stateAfter
    ) {
      this.timeline.push({
        kind: 'updated',
        timeUs: now,
        // Confirmed: its tuples no longer change, so the record itself serves as the snapshot.
        entry,
        from: verdict.stateBefore ?? 'NONE',
        to: verdict.stateAfter,
        step: position,
      });
    }
    if (verdict.destroyed && entry) {
      this.entryGone(entry, now, 'destroyed', position);
    }
    // The socket sent it before netfilter judged it: its state moves whatever conntrack says.
    if (sent && packet.tcp !== undefined) this.observeSent(step, packet, now);
    this.fillView(verdict);
    this.afterConntrack(
      step,
      packet,
      captured,
      sent,
      verdict,
      now,
      twin,
      ordered,
      recoveredFrom,
      position,
    );
  }

  private loadHeaders(packet: Packet): void {
    const h = this.headers;
    h.family = packet.ipVersion;
    h.protocol = packet.protocol;
    h.src = packet.src;
    h.dst = packet.dst;
    h.srcPort = packet.srcPort ?? 0;
    h.dstPort = packet.dstPort ?? 0;
    h.tcpFlags = packet.tcp?.flags ?? 0;
    h.length = packet.originalLength;
  }

  private afterConntrack(
    step: ReplayStep,
    packet: Packet,
    captured: Packet,
    sent: boolean,
    verdict: TrackVerdict | undefined,
    now: number,
    twin: number,
    ordered: readonly Packet[],
    recoveredFrom: Recovery | undefined,
    position = this.current,
  ): void {
    const h = this.headers;
    const entry = verdict?.entry;
    const firstHook: Hook = sent ? 'OUTPUT' : 'PREROUTING';
    const ctinfo: CtInfo = step.ctinfo ?? 'UNTRACKED';

    // Packets of a confirmed entry reuse the chain results of earlier packets with the same
    // inputs (exact: see FlowVerdictCache) where the chains are long enough for that to pay;
    // the first packet of a connection walks.
    const flow = entry && !verdict.created ? entry : undefined;
    if (this.tables.mangle) {
      const mangle = this.runChain('mangle', firstHook, flow);
      if (this.decided(step, mangle, 'mangle', firstHook)) return this.drop(step, verdict);
    }

    // Destination NAT: only the first packet of a connection consults the nat table.
    let natDst: { address: string; port: number } | undefined;
    let natSrc: { address: string; port: number } | undefined;
    let natRuleText: string | undefined;
    // Source rewrites of an existing binding happen after the filter (POSTROUTING / INPUT).
    let laterSource: Tuple | undefined;
    if (entry && verdict.created && ctinfo === 'NEW') {
      if (this.tables.nat) {
        const nat = this.evaluator.run('nat', firstHook, h, this.view, 'verdict');
        if (nat.nat && (nat.nat.kind === 'DNAT' || nat.nat.kind === 'REDIRECT')) {
          const target = this.chooseDestination(
            step,
            nat.nat,
            packet,
            captured,
            sent,
            twin,
            ordered,
            recoveredFrom,
            now,
          );
          natDst = target;
          natRuleText = nat.nat.rule.raw;
          step.natKind = nat.nat.kind;
          step.natRule = nat.nat.rule;
          h.dst = target.address;
          h.dstPort = target.port;
          if (nat.nat.kind === 'REDIRECT') this.addLocal(target.address, 'REDIRECT target');
        } else if (recoveredFrom !== undefined) {
          step.note(
            `the capture shows this packet after NAT (${recoveryText(recoveredFrom)}) but no nat rule translates it`,
          );
        }
      }
    } else if (entry && (ctinfo === 'ESTABLISHED' || ctinfo === 'RELATED')) {
      laterSource = this.translateThroughEntry(step, entry, verdict.direction === 'reply');
    } else if (ctinfo === 'INVALID') {
      step.natSkipped = `INVALID (${step.invalidReason ?? 'conntrack found no valid state for it'})`;
    } else if (entry && ctinfo === 'NEW') {
      // A NEW packet on an entry that already exists (e.g. a retransmitted SYN): the binding stands.
      laterSource = this.translateThroughEntry(step, entry, false);
    }

    // Routing: a local destination is delivered (INPUT), anything else is forwarded.
    const toLocal = this.local.has(h.dst);
    let hook: Hook;
    if (sent) {
      hook = 'OUTPUT';
    } else if (toLocal) {
      hook = 'INPUT';
      step.path = PacketPath.In;
    } else {
      hook = 'FORWARD';
      step.path = PacketPath.Forward;
    }
    if (!sent && this.tables.mangle && hook === 'FORWARD') {
      const mangle = this.runChain('mangle', hook, flow);
      if (this.decided(step, mangle, 'mangle', hook)) return this.drop(step, verdict);
    }
    if (this.tables.filter) {
      const filter = this.runChain('filter', hook, flow);
      if (filter.verdict !== 'NONE') {
        step.filterVerdict = filter.verdict;
        step.filterChain = FILTER_CHAIN_NAMES[hook];
        if (filter.rule) step.filterRule = filter.rule;
      }
      if (filter.verdict === 'DROP' || filter.verdict === 'REJECT') {
        if (filter.verdict === 'REJECT' && filter.reject?.sent !== false)
          this.predictReject(step, filter, position);
        return this.drop(step, verdict);
      }
    } else {
      step.filterVerdict = 'ACCEPT';
      step.filterChain = 'no filter table';
    }

    if (laterSource) {
      h.src = laterSource.dst;
      h.srcPort = laterSource.dstPort;
    }

    // Source NAT on the way out, again only for the first packet.
    if (entry && verdict.created && ctinfo === 'NEW' && this.tables.nat && hook !== 'INPUT') {
      const post = this.evaluator.run('nat', 'POSTROUTING', h, this.view, 'verdict');
      if (post.nat && (post.nat.kind === 'SNAT' || post.nat.kind === 'MASQUERADE')) {
        const address = post.nat.to.address ?? this.observedSource(twin, ordered);
        if (address === undefined) {
          step.note(`${post.nat.kind}: the outgoing interface's address is unknown, source kept`);
        } else {
          natSrc = { address, port: post.nat.to.port ?? h.srcPort };
          h.src = natSrc.address;
          h.srcPort = natSrc.port;
        }
        step.natKind = step.natKind ? `${step.natKind}+${post.nat.kind}` : post.nat.kind;
        step.natRule ??= post.nat.rule;
        natRuleText ??= post.nat.rule.raw;
      }
    }

    if (entry && verdict.created) {
      if (natDst || natSrc) {
        const original = entry.original;
        const reply: Tuple = {
          protocol: original.protocol,
          src: natDst?.address ?? original.dst,
          srcPort: natDst?.port ?? original.dstPort,
          dst: natSrc?.address ?? original.src,
          dstPort: natSrc?.port ?? original.srcPort,
        };
        this.table.setReply(entry, reply, {
          kind: natDst && natSrc ? 'BOTH' : natDst ? 'DNAT' : 'SNAT',
          ...(natRuleText === undefined ? {} : { rule: natRuleText }),
        });
        step.natTuple = {
          protocol: original.protocol,
          src: h.src,
          srcPort: h.srcPort,
          dst: h.dst,
          dstPort: h.dstPort,
        };
      }
      const confirmed = this.table.confirm(entry, now);
      if (!confirmed.inserted) {
        step.filterVerdict = 'DROP';
        step.filterChain = 'conntrack confirm';
        step.note(
          confirmed.reason === 'table-full'
            ? 'nf_conntrack: table full, dropping packet'
            : 'conntrack insert clash: the packet is dropped (insert_failed)',
        );
        return;
      }
      this.entryConfirmed(entry, now, position);
    }

    if (hook === 'INPUT' || (sent && toLocal)) this.deliver(step, packet, captured, now, position);
  }

  private runChain(table: TableName, hook: Hook, flow: ConntrackRecord | undefined): ChainResult {
    const h = this.headers;
    return flow === undefined || !this.evaluator.flowCacheWorthwhile(table, hook, h.family)
      ? this.evaluator.run(table, hook, h, this.view, 'verdict')
      : this.evaluator.runForFlow(table, hook, h, this.view, this.flowCache(flow), 'verdict');
  }

  private flowCache(entry: ConntrackRecord): FlowVerdictCache {
    let cache = this.flowCaches.get(entry.id);
    if (cache === undefined) {
      cache = new FlowVerdictCache();
      this.flowCaches.set(entry.id, cache);
    }
    return cache;
  }

  /** raw/mangle can end the path early; true when the packet goes no further. */
  private decided(step: ReplayStep, result: ChainResult, table: TableName, hook: Hook): boolean {
    if (result.verdict !== 'DROP' && result.verdict !== 'REJECT') return false;
    step.filterVerdict = result.verdict;
    step.filterChain = `${table} ${hook}`;
    if (result.rule) step.filterRule = result.rule;
    return true;
  }

  private drop(step: ReplayStep, verdict: TrackVerdict | undefined): void {
    if (verdict?.entry && verdict.created && !verdict.entry.confirmed)
      this.table.discard(verdict.entry);
    if (step.natKind === undefined && step.natSkipped === undefined && step.ctinfo === 'NEW')
      step.natSkipped = `dropped before NAT by ${step.filterChain ?? 'a rule'}`;
  }

  private fillView(verdict: TrackVerdict): void {
    const v = this.view;
    const e = verdict.entry;
    v.ctinfo = verdict.ctinfo;
    v.direction = verdict.direction;
    if (e) {
      v.assured = e.assured;
      v.seenReply = e.seenReply;
      v.mark = e.mark;
      v.original = e.original;
      v.reply = e.reply;
      // The table records the binding's kind: no tuple comparison on every packet.
      const kind = e.nat?.kind;
      v.dnat = kind === 'DNAT' || kind === 'BOTH';
      v.snat = kind === 'SNAT' || kind === 'BOTH';
      v.confirmed = e.confirmed;
    } else {
      v.assured = v.seenReply = v.dnat = v.snat = false;
      v.mark = 0;
      v.original = v.reply = undefined;
      v.confirmed = false;
    }
  }

  /**
   * An established packet is rewritten by the entry's binding (or un-NATed in reply). The
   * destination changes now (PREROUTING/OUTPUT), the source after the filter (POSTROUTING or
   * INPUT): the entry tuple whose destination becomes the source is returned for the caller
   * to apply (the tuple itself, so a packet's path allocates nothing here).
   */
  private translateThroughEntry(
    step: ReplayStep,
    entry: ConntrackRecord,
    reply: boolean,
  ): Tuple | undefined {
    const kind = entry.nat?.kind;
    if (kind === undefined) return undefined;
    const o = entry.original;
    const r = entry.reply;
    const dnat = kind !== 'SNAT';
    const snat = kind !== 'DNAT';
    const h = this.headers;
    // Original direction: the packet becomes the reply tuple turned around; reply: the original turned around.
    const from = reply ? o : r;
    h.dst = from.src;
    h.dstPort = from.srcPort;
    step.natKind = reply
      ? 'un-NAT (reply)'
      : dnat && snat
        ? 'DNAT+SNAT (entry)'
        : dnat
          ? 'DNAT (entry)'
          : 'SNAT (entry)';
    step.natEntry = entry;
    step.natReplyDirection = reply;
    return from.dst !== h.src || from.dstPort !== h.srcPort ? from : undefined;
  }

  /** A segment a local socket sent: the endpoint model learns its sequence numbers and state. */
  private observeSent(step: ReplayStep, packet: Packet, now: number): void {
    const tcp = packet.tcp as NonNullable<Packet['tcp']>;
    // The socket sent the packet as it was before any NAT: `packet` is that form.
    const seen = this.host.observeOutgoing(
      {
        family: packet.ipVersion,
        protocol: packet.protocol,
        src: packet.src,
        dst: packet.dst,
        srcPort: packet.srcPort ?? 0,
        dstPort: packet.dstPort ?? 0,
        tcpFlags: tcp.flags,
        seq: tcp.seq,
        ack: tcp.ack,
        payloadLength: packet.payloadLength,
        window: tcp.window,
        // Absent options as undefined fields, not conditional spreads: one shape, no copies.
        timestamp: tcp.options.timestamp || undefined,
        windowScale: tcp.options.windowScale,
      },
      now,
    );
    if (seen.stateBefore !== undefined || seen.stateAfter !== undefined) {
      step.delivery = {
        socket: 'sender',
        local: { ip: packet.src, port: packet.srcPort ?? 0 },
        stateBefore: seen.stateBefore,
        stateAfter: seen.stateAfter,
      };
    }
  }

  /**
   * The destination a DNAT/REDIRECT takes. For a statistic load balancer, prefer the branch
   * the evidence shows: the packet itself when it was captured after NAT, the same packet on
   * another interface, or a conntrack anchor's reply tuple; otherwise the seeded pick.
   */
  private chooseDestination(
    step: ReplayStep,
    decision: NatDecision,
    packet: Packet,
    captured: Packet,
    sent: boolean,
    twin: number,
    ordered: readonly Packet[],
    recoveredFrom: Recovery | undefined,
    now: number,
  ): { address: string; port: number } {
    const redirectAddress =
      decision.kind === 'REDIRECT'
        ? sent
          ? packet.ipVersion === 6
            ? '::1'
            : '127.0.0.1'
          : packet.dst
        : undefined;
    const chosen = {
      address: decision.to.address ?? redirectAddress ?? packet.dst,
      port: decision.to.port ?? packet.dstPort ?? 0,
    };
    const observed = this.observedDestination(
      packet,
      captured,
      sent,
      twin,
      ordered,
      recoveredFrom,
      now,
    );
    const alternatives = decision.alternatives ?? [];
    if (observed) {
      const match = alternatives.find(
        (alt) =>
          (alt.to.address ?? chosen.address) === observed.address &&
          (alt.to.port ?? packet.dstPort) === observed.port,
      );
      if (match) {
        step.natRule = match.rule;
        step.natChosenBy = observed.by;
        return { address: match.to.address ?? chosen.address, port: match.to.port ?? chosen.port };
      }
      if (observed.address !== chosen.address || observed.port !== chosen.port) {
        // What a capture or a timed event shows happened; an untimed listing may be another
        // lifetime of the tuple, so there the rules win.
        const trusted = observed.untimed !== true;
        this.timeline.push({
          kind: 'anchor-disagrees',
          timeUs: now,
          step: this.current,
          anchor: observed.by,
          note: `the rules translate ${tupleText(tupleOf(packet))} to ${hostPort(chosen.address, chosen.port)}, but ${observed.by} shows ${hostPort(observed.address, observed.port)}; the replay follows ${trusted ? 'the evidence' : 'the rules'}`,
        });
        if (trusted) {
          step.natChosenBy = observed.by;
          step.note(
            `translated as ${observed.by} shows, not as the rules say (${hostPort(chosen.address, chosen.port)})`,
          );
          return { address: observed.address, port: observed.port };
        }
        return chosen;
      }
      step.natChosenBy = observed.by;
      return chosen;
    }
    if (alternatives.length > 1) step.natGuessed = true;
    return chosen;
  }

  private observedDestination(
    packet: Packet,
    captured: Packet,
    sent: boolean,
    twin: number,
    ordered: readonly Packet[],
    recoveredFrom: Recovery | undefined,
    now: number,
  ): { address: string; port: number; by: string; untimed?: boolean } | undefined {
    if (sent && recoveredFrom !== undefined && captured.dstPort !== undefined) {
      return {
        address: captured.dst,
        port: captured.dstPort,
        by: `the capture after NAT (${formatLocator(captured.locator)})`,
      };
    }
    const other = twin >= 0 ? ordered[twin] : undefined;
    if (
      other &&
      other.dstPort !== undefined &&
      (other.dst !== packet.dst || other.dstPort !== packet.dstPort)
    ) {
      return {
        address: other.dst,
        port: other.dstPort,
        by: `the same packet after NAT (${formatLocator(other.locator)})`,
      };
    }
    if (this.anchors.hasBindings) {
      const binding = this.anchors.bindingFor(tupleOf(packet), now);
      if (binding)
        return {
          address: binding.reply.src,
          port: binding.reply.srcPort,
          by: `conntrack anchor ${binding.anchor}`,
          untimed: binding.timeUs === undefined,
        };
    }
    return undefined;
  }

  private observedSource(twin: number, ordered: readonly Packet[]): string | undefined {
    const other = twin >= 0 ? ordered[twin] : undefined;
    return other?.src;
  }

  // ---------------------------------------------------------------- sockets

  private deliver(
    step: ReplayStep,
    packet: Packet,
    captured: Packet,
    now: number,
    position: number,
  ): void {
    const h = this.headers;
    if (packet.tcp === undefined) {
      step.delivery = {
        socket: 'none',
        local: { ip: h.dst, port: h.dstPort },
        note: 'not TCP: sockets are modelled for TCP only',
      };
      return;
    }
    // A SYN the capture shows being accepted had a listener, whatever ss (if any) said.
    if ((packet.tcp.flags & (SYN | ACK)) === SYN && this.acceptedSyns.has(wireKey(captured))) {
      const key = `${h.dst}|${h.dstPort}`;
      if (!this.listeners.has(key) && !this.listeners.has(`*|${h.dstPort}`)) {
        this.listeners.add(key);
        this.host.addListener(h.dst, h.dstPort);
      }
    }
    const delivery = this.host.deliver(
      {
        family: h.family,
        protocol: h.protocol,
        src: h.src,
        dst: h.dst,
        srcPort: h.srcPort,
        dstPort: h.dstPort,
        tcpFlags: h.tcpFlags,
        seq: packet.tcp.seq,
        ack: packet.tcp.ack,
        payloadLength: packet.payloadLength,
        window: packet.tcp.window,
        timestamp: packet.tcp.options.timestamp || undefined,
        windowScale: packet.tcp.options.windowScale,
      },
      now,
    );
    if (delivery.timersFired) {
      for (const fired of delivery.timersFired) {
        this.timeline.push({
          kind: 'socket-timer',
          timeUs: fired.atUs,
          timer: fired.what,
          note: `socket ${fired.local} <-> ${fired.remote}: ${fired.what}${fired.response && fired.response.kind !== 'NONE' ? `, sends ${fired.response.kind}` : ''}`,
        });
      }
    }
    step.delivery = {
      socket: delivery.socket,
      local: { ip: h.dst, port: h.dstPort },
      stateBefore: delivery.stateBefore,
      stateAfter: delivery.stateAfter,
      note: delivery.note,
    };
    const r = delivery.response;
    if (r.kind === 'NONE') return;
    step.response = {
      kind: r.kind,
      flags: r.flags,
      seq: r.seq,
      ack: r.ack,
      reason: r.reason,
      from: { ip: h.dst, port: h.dstPort },
      to: { ip: h.src, port: h.srcPort },
    };
    if (r.kind !== 'ACK') this.responses.expect(captured, position, r.kind, skippedNat(step), now);
  }

  private predictReject(step: ReplayStep, result: ChainResult, position: number): void {
    const h = this.headers;
    const reject = result.reject;
    if (!reject) return;
    const tcp = reject.tcpReset === true;
    const response: PredictedResponse = {
      kind: tcp ? 'RST' : `ICMP ${reject.with}`,
      flags: tcp ? RST | ACK : 0,
      seq: 0,
      ack: 0,
      reason: `REJECT --reject-with ${reject.with}`,
      from: { ip: h.dst, port: tcp ? h.dstPort : 0 },
      to: { ip: h.src, port: tcp ? h.srcPort : 0 },
    };
    step.response = response;
    if (tcp)
      this.responses.expect(step.packet, position, 'RST', skippedNat(step), step.packet.timeUs);
  }

  /** Pre-scan: which SYNs did a local socket answer with SYN-ACK (so a listener existed)? */
  private noteAcceptedSyns(ordered: readonly Packet[]): void {
    for (let i = 0; i < ordered.length; i++) {
      const packet = ordered[i] as Packet;
      const flags = packet.tcp?.flags ?? 0;
      if ((flags & (SYN | ACK)) !== (SYN | ACK) || packet.srcPort === undefined) continue;
      if (packet.direction === 'out' || (packet.direction !== 'in' && this.local.has(packet.src)))
        this.acceptedSyns.add(wireKey(invertTuple(tupleOf(packet))));
    }
  }

  // ---------------------------------------------------------------- NAT as captured

  /** For a packet the host sent: the tuple it had before NAT, when a binding explains it. */
  /** The original tuple of a SYN captured after DNAT, from a conntrack anchor's binding. */
  private anchorPreNatForm(captured: Packet, now: number): Recovery | undefined {
    const flags = captured.tcp?.flags ?? 0;
    if (captured.tcp !== undefined && (flags & (SYN | ACK)) !== SYN) return undefined;
    const anchor = this.anchors.originalForTranslated(tupleOf(captured), now);
    if (!anchor) return undefined;
    return { packet: withTuple(captured, anchor.original), anchor: anchor.anchor };
  }

  // ---------------------------------------------------------------- hidden state

  private entryConfirmed(entry: ConntrackRecord, now: number, position: number): void {
    this.timeline.push({
      kind: 'created',
      timeUs: now,
      entry,
      to: entry.tcpState ?? protocolName(entry.original.protocol),
      step: position,
    });
    const natted = entry.nat !== undefined;
    // Keys cost: only kept when something will read them (anchors, re-NAT detection).
    if (!natted && !this.anchored) return;
    if (this.anchored) {
      const key = tupleKey(entry.original);
      this.live.set(key, entry);
      this.everTracked.add(key);
    }
    if (!natted) return;
    const reply = entry.reply;
    const before = this.bindings.getTuple(entry.original);
    if (before && !sameTuple(before.reply, reply)) {
      const was = `${before.reply.src}:${before.reply.srcPort}`;
      const backend = `${reply.src}:${reply.srcPort}`;
      this.timeline.push({
        kind: 'renatted',
        timeUs: now,
        entry: snapshot(entry),
        from: was,
        to: backend,
        step: position,
        note: `${tupleText(entry.original)} was silently re-NATed: entry ${before.entryId} sent it to ${was}, the new entry ${entry.id} sends it to ${backend}`,
      });
    }
    this.bindings.set(entry.original, { reply, entryId: entry.id });
    this.wire.addEntry(entry);
  }

  private entryGone(
    entry: ConntrackRecord,
    now: number,
    kind: 'expired' | 'destroyed' | 'flushed',
    position?: number,
    timer?: string,
    anchor?: string,
  ): void {
    this.flowCaches.delete(entry.id);
    if (kind === 'flushed') this.flushed.add(entry.id);
    else if (this.flushed.has(entry.id)) return;
    if (this.anchored) {
      const key = tupleKey(entry.original);
      if (this.live.get(key) === entry) this.live.delete(key);
    }
    if (entry.nat) this.wire.removeEntry(entry);
    this.timeline.push({
      kind,
      timeUs: now,
      entry: snapshot(entry),
      from: entry.tcpState,
      timer,
      step: position,
      anchor,
    });
  }

  private expireUpTo(now: number): void {
    const expired = this.table.expire(now);
    for (const gone of expired)
      this.entryGone(gone.entry, gone.atUs, 'expired', undefined, gone.timer);
  }

  /**
   * Timed conntrack events up to `now`: a DESTROY long before the replay's own expiry was done
   * to the entry (conntrack -D/-F, a flush by kube-proxy), so the replay does it too; a NEW or
   * UPDATE for a flow the replay has no entry for seeds one.
   */
  private applyAnchorsUpTo(now: number): void {
    const events = this.anchors.timedEvents;
    while (
      this.eventCursor < events.length &&
      ((events[this.eventCursor] as ConntrackEvent).timeUs as number) <= now
    ) {
      const event = events[this.eventCursor++] as ConntrackEvent;
      const at = event.timeUs as number;
      const original = anchorTuple(event, 'original');
      if (!original) continue;
      const key = tupleKey(original);
      const current = this.live.get(key);
      const where = formatLocator(event.locator);
      if (event.type === 'DESTROY') {
        if (!current) continue;
        this.expireUpTo(at);
        if (this.live.get(key) !== current) continue;
        if (current.expiresUs - at > EXTERNAL_DESTROY_SLACK_US) {
          destroyEntry(this.table, current, at);
          this.entryGone(current, at, 'flushed', undefined, undefined, where);
        }
        continue;
      }
      if (current) {
        const reply = anchorTuple(event, 'reply');
        if (reply && tupleKey(reply) !== tupleKey(current.reply)) {
          this.timeline.push({
            kind: 'anchor-disagrees',
            timeUs: at,
            entry: snapshot(current),
            anchor: where,
            note: `${where} shows ${tupleText(original)} answered by ${reply.src}:${reply.srcPort}; the replay's entry ${current.id} has ${current.reply.src}:${current.reply.srcPort}`,
          });
        }
        continue;
      }
      const seeded = this.table.seed(event, at);
      this.live.set(key, seeded);
      this.everTracked.add(key);
      if (seeded.nat) this.wire.addEntry(seeded);
      this.timeline.push({
        kind: 'seeded',
        timeUs: at,
        entry: snapshot(seeded),
        to: seeded.tcpState ?? event.tcpState ?? '?',
        anchor: where,
      });
    }
  }

  private addLocal(address: string, why: string): void {
    if (this.local.has(address)) return;
    this.local.add(address);
    this.localSources.push(`${address} (${why})`);
  }
}

/**
 * Kills an entry outside the packet path. The table has no public delete, so the entry's
 * timer is made to run out now: the table treats an entry past its time as dead when a packet
 * looks it up, and removes it when its heap slot comes due (reported once, as flushed).
 */
function destroyEntry(table: ConntrackTable, entry: ConntrackRecord, now: number): void {
  const withDelete = table as unknown as { destroy?: (e: ConntrackRecord, at: number) => void };
  if (typeof withDelete.destroy === 'function') {
    withDelete.destroy(entry, now);
    return;
  }
  entry.expiresUs = now;
}

/** Each capture once, in order of first appearance (consecutive packets share theirs). */
function captureNames(ordered: readonly Packet[]): string[] {
  const names = new Set<string>();
  let last: string | undefined;
  for (let i = 0; i < ordered.length; i++) {
    const artifact = (ordered[i] as Packet).locator.artifact;
    if (artifact === last) continue;
    last = artifact;
    names.add(artifact);
  }
  return [...names];
}

/** Field by field: what comparing `tupleKey` strings did, without building them. */
function sameTuple(a: Tuple, b: Tuple): boolean {
  return (
    a.protocol === b.protocol &&
    a.src === b.src &&
    a.srcPort === b.srcPort &&
    a.dst === b.dst &&
    a.dstPort === b.dstPort
  );
}

function snapshot(entry: ConntrackRecord): EntrySnapshot {
  return { id: entry.id, original: entry.original, reply: entry.reply };
}

/** The packet went through without any NAT because conntrack refused it (INVALID, UNTRACKED). */
function skippedNat(step: ReplayStep): boolean {
  return step.natSkipped !== undefined && step.natKind === undefined;
}

function protocolName(protocol: number): string {
  return protocol === 17 ? 'UDP' : protocol === 1 || protocol === 58 ? 'ICMP' : String(protocol);
}
