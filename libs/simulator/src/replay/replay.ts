import type { Packet } from '@netmortem/domain';
import { ReplayEngine, type ReplayOutcome } from './replay-engine.js';
import { toVerdict, type ReplayStep } from './replay-step.js';
import { timelineJson, type TimelineRecord } from './replay-timeline.js';
import type {
  PacketVerdict,
  ReplayEvidence,
  ReplayInputSummary,
  ReplayOptions,
  ReplayReport,
  TimelineEvent,
} from './replay-types.js';

/**
 * A finished replay. Per-packet verdicts stay in their compact form until asked for, so a
 * caller streaming JSON (the CLI) materialises one packet at a time.
 */
export class ReplayRun {
  private materialised: ReplayStep[] | undefined;

  constructor(private readonly outcome: ReplayOutcome) {}

  get input(): ReplayInputSummary {
    return this.outcome.input;
  }

  /** Packets replayed, duplicates and synthesised packets included. */
  get packetCount(): number {
    return this.outcome.steps.length;
  }

  /** Internal records, for the what-if comparison: views of the columns, made when first asked. */
  get steps(): readonly ReplayStep[] {
    this.materialised ??= [...this.outcome.steps];
    return this.materialised;
  }

  get timelineRecords(): readonly TimelineRecord[] {
    return this.outcome.timeline;
  }

  packet(position: number): PacketVerdict {
    const step = position >= 0 ? this.outcome.steps.at(position) : undefined;
    if (!step)
      throw new RangeError(`no packet at position ${position} (${this.packetCount} replayed)`);
    return toVerdict(step, this.outcome.steps);
  }

  *packets(): Generator<PacketVerdict> {
    for (let i = 0; i < this.outcome.steps.length; i++) yield this.packet(i);
  }

  timeline(): TimelineEvent[] {
    return this.outcome.timeline.map((record) => timelineJson(record, this.outcome.steps));
  }

  /** Everything as plain objects: small inputs and tests. */
  report(): ReplayReport {
    return { input: this.input, packets: [...this.packets()], timeline: this.timeline() };
  }
}

/**
 * Replays evidence through the model of one Linux host: per packet the conntrack entry and
 * state, NAT applied or skipped and why, the filter verdict, the socket reached and its
 * answer; plus the timeline of hidden state. Pure and deterministic for a given seed.
 */
export function replayEvidence(
  evidence: ReplayEvidence,
  options: ReplayOptions = {},
  extraPackets: readonly Packet[] = [],
): ReplayRun {
  return new ReplayRun(new ReplayEngine(evidence, options).run(extraPackets));
}
