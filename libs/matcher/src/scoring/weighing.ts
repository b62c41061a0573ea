import type { EvidencePointer } from '../report/analysis-report.js';

/**
 * How much one observation moves the odds, in natural-log units. The scale is shared by every
 * detector so that confidences mean the same thing across causes:
 * - `decisive`: the mechanism itself was observed (a replayed INVALID packet that skipped NAT
 *   and drew the listener's RST; a DESTROY then NEW of one tuple to another backend);
 * - `strong`: a signature only this cause (or one close cousin) leaves;
 * - `moderate`: consistent with the cause and uncommon in healthy traffic;
 * - `weak`: consistent, but common on healthy hosts too (a reset in a log, a default sysctl).
 */
export const WEIGHT = { decisive: 3, strong: 2, moderate: 1, weak: 0.5 } as const;
export type WeightName = keyof typeof WEIGHT;

/** Detectors start below even odds: a cause is absent until evidence says otherwise. */
export const DEFAULT_PRIOR = -2.5;
/** Never claim certainty: the bundle is always a partial view. */
const MAX_CONFIDENCE = 0.98;

interface Weighed {
  readonly weight: number;
  readonly pointer: EvidencePointer;
}

/** The evidence for and against one hypothesis, and the confidence it adds up to. */
export class Weighing {
  private readonly supports: Weighed[] = [];
  private readonly opposes: Weighed[] = [];

  constructor(private readonly prior = DEFAULT_PRIOR) {}

  for(weight: WeightName, pointer: EvidencePointer): this {
    this.supports.push({ weight: WEIGHT[weight], pointer });
    return this;
  }

  against(weight: WeightName, pointer: EvidencePointer): this {
    this.opposes.push({ weight: WEIGHT[weight], pointer });
    return this;
  }

  get logOdds(): number {
    let sum = this.prior;
    for (const s of this.supports) sum += s.weight;
    for (const o of this.opposes) sum -= o.weight;
    return sum;
  }

  get confidence(): number {
    const p = 1 / (1 + Math.exp(-this.logOdds));
    return Math.round(Math.min(MAX_CONFIDENCE, p) * 100) / 100;
  }

  /** Strongest first, so the first pointers are the ones worth reading. */
  get evidence(): EvidencePointer[] {
    return ranked(this.supports);
  }

  get evidenceAgainst(): EvidencePointer[] {
    return ranked(this.opposes);
  }

  get strongestSupport(): number {
    return Math.max(0, ...this.supports.map((s) => s.weight));
  }
}

function ranked(items: readonly Weighed[]): EvidencePointer[] {
  return [...items].sort((a, b) => b.weight - a.weight).map((i) => i.pointer);
}
