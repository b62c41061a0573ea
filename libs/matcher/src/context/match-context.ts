import type { EvidenceSet, Flow, LogEvent, Packet } from '@netmortem/domain';
import {
  replayEvidence,
  type PacketVerdict,
  type ReplayEvidence,
  type ReplayOptions,
  type ReplayRun,
} from '@netmortem/simulator';
import { conntrackHistories, type TupleHistory } from './conntrack-history.js';
import { HostSettings } from './host-settings.js';
import { packetsByFlow, packetsWorthReplaying } from './replay-scope.js';
import { VerdictLookup } from './verdict-lookup.js';
import { RulesetFacts } from './ruleset-facts.js';

export interface MatchInput {
  readonly evidence: EvidenceSet;
  /** Every packet of every capture (the evidence keeps flows, not packets). */
  readonly packets?: readonly Packet[];
}

export interface MatchOptions {
  /** Passed to the simulator (kernel override, sysctl overrides, local addresses). */
  readonly replay?: ReplayOptions;
  /** At most this many packets of suspicious flows are replayed (the earliest ones). */
  readonly maxReplayPackets?: number;
}

const DEFAULT_MAX_REPLAY_PACKETS = 500_000;

/**
 * Everything a detector reads, computed once per bundle: the evidence, the host's settings,
 * the ruleset's shape, conntrack histories, and the simulator's replay (on first use).
 */
export class MatchContext {
  readonly evidence: EvidenceSet;
  readonly packets: readonly Packet[];
  readonly settings: HostSettings;
  readonly rules: RulesetFacts;
  readonly histories: readonly TupleHistory[];
  private replayRun: ReplayRun | null | undefined;
  private verdictLookup: VerdictLookup | undefined;
  private packetIndex: Map<string, Packet> | undefined;

  constructor(
    input: MatchInput,
    readonly options: MatchOptions = {},
  ) {
    this.evidence = input.evidence;
    this.packets = input.packets ?? [];
    this.settings = new HostSettings(input.evidence.sysctls, input.evidence.kernels);
    this.rules = new RulesetFacts(input.evidence.rulesets);
    this.histories = conntrackHistories(input.evidence.conntrackEvents);
  }

  /** The simulator's replay of the suspicious flows, or null when no capture shows one. */
  get replay(): ReplayRun | null {
    if (this.replayRun === undefined) {
      const input = this.replayEvidenceInput();
      this.replayRun =
        input.packets.length === 0 ? null : replayEvidence(input, this.options.replay ?? {});
    }
    return this.replayRun;
  }

  /** The replay's verdict on one captured packet (its first sighting when seen twice). */
  verdict(capture: string, index: number): PacketVerdict | undefined {
    const run = this.replay;
    if (!run) return undefined;
    this.verdictLookup ??= new VerdictLookup(run);
    return this.verdictLookup.get(capture, index);
  }

  private scoped: readonly Packet[] | undefined;

  replayEvidenceInput(): ReplayEvidence {
    const e = this.evidence;
    this.scoped ??= packetsWorthReplaying(
      e,
      this.packets,
      this.options.maxReplayPackets ?? DEFAULT_MAX_REPLAY_PACKETS,
    );
    return {
      packets: this.scoped,
      rulesets: e.rulesets,
      sysctls: e.sysctls,
      kernels: e.kernels,
      conntrackEntries: e.conntrackEntries,
      conntrackEvents: e.conntrackEvents,
      sockets: e.sockets,
    };
  }

  packet(capture: string, index: number): Packet | undefined {
    if (!this.packetIndex) {
      this.packetIndex = new Map();
      for (const p of this.packets)
        this.packetIndex.set(`${p.locator.artifact}#${p.locator.packet ?? 0}`, p);
    }
    return this.packetIndex.get(`${capture}#${index}`);
  }

  private flowIndex: Map<Flow, Packet[]> | undefined;

  /**
   * A flow's packets (both directions, capture order). Built for every TCP flow in one pass
   * over the packets on first use: walking each flow's packet range instead would cost the
   * whole capture per long-lived flow.
   */
  flowPackets(flow: Flow): readonly Packet[] {
    this.flowIndex ??= packetsByFlow(this.packets, this.tcpFlows);
    return this.flowIndex.get(flow) ?? [];
  }

  get tcpFlows(): readonly Flow[] {
    return this.evidence.flows.filter((f) => f.protocol === 'tcp');
  }

  logs(kinds: readonly string[]): LogEvent[] {
    return this.evidence.logEvents.filter(
      (e) => e.errorKind !== undefined && kinds.includes(e.errorKind),
    );
  }

  counter(name: string): { value: number; artifact: string } | undefined {
    for (const set of this.evidence.counters) {
      const value = set.counters[name];
      if (value !== undefined) return { value, artifact: set.locator.artifact };
    }
    return undefined;
  }

  conntrackStat(name: string): { value: number; artifact: string } | undefined {
    for (const stats of this.evidence.conntrackStats) {
      const value = stats.totals[name];
      if (value !== undefined) return { value, artifact: stats.locator.artifact };
    }
    return undefined;
  }

  hasKind(kind: string): boolean {
    return this.evidence.artifacts.some((a) => a.kind === kind && a.status !== 'failed');
  }
}
