import type { MatchContext } from '../context/match-context.js';
import type { FlowRef, NarrativeStep } from '../report/analysis-report.js';
import type { Weighing } from '../scoring/weighing.js';

/** The packet whose fate a remediation should change: what the what-if proof checks. */
export interface FailurePacket {
  readonly capture: string;
  readonly index: number;
  /** What happened to it, in words ("the listener's RST to it"). */
  readonly what: string;
}

/** One hypothesis a detector puts forward: a cause, on a flow, with its weighed evidence. */
export interface Candidate {
  readonly rootCause: string;
  readonly flow?: FlowRef;
  readonly weighing: Weighing;
  readonly summary: string;
  readonly narrative: readonly NarrativeStep[];
  readonly notes?: readonly string[];
  /** What would confirm this cause or rule it out, when the bundle cannot. */
  readonly nextEvidence?: readonly string[];
  readonly failure?: FailurePacket;
}

/**
 * A detector recognises one catalogued cause. It puts forward a candidate only when it sees a
 * failure the cause explains (a reset, a stall, a drop counter moving) or the mechanism
 * itself; preconditions alone are latent risks, reported elsewhere.
 */
export interface Detector {
  readonly rootCause: string;
  detect(context: MatchContext): Candidate[];
}
