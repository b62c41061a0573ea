/**
 * The parts of the worker's stored documents this module reads. They mirror the public JSON
 * of `netmortem simulate --format json` and `netmortem analyze --format json` (fields are
 * only ever added there), declared here because the API does not depend on the libraries
 * that produce them.
 */

export interface StoredTuple {
  readonly protocol: number;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
}

/** One packet's journey through the modelled host (simulation `packets[]`). */
export interface StoredPacketVerdict {
  readonly capture: string;
  readonly index: number;
  readonly time: string;
  readonly timeUs: number;
  readonly path: string;
  readonly summary: string;
  readonly ctinfo: string | null;
  readonly ctStateBefore: string | null;
  readonly ctStateAfter: string | null;
  readonly entryId: number | null;
  readonly invalidReason?: string;
  readonly nat: {
    readonly applied: boolean;
    readonly kind?: string;
    readonly rule?: string;
    readonly translated?: StoredTuple;
    readonly skippedBecause?: string;
  };
  readonly filter: { readonly verdict: string; readonly rule?: string; readonly chain?: string };
  readonly delivery: {
    readonly socket: string;
    readonly stateBefore?: string;
    readonly stateAfter?: string;
    readonly note?: string;
  } | null;
  readonly response: {
    readonly kind: string;
    readonly flags: string;
    readonly from: string;
    readonly to: string;
    readonly reason: string;
  } | null;
  readonly notes?: readonly string[];
}

/** One change of hidden state (simulation `timeline[]`). */
export interface StoredTimelineEvent {
  readonly time: string;
  readonly timeUs: number;
  readonly kind: string;
  readonly entryId: number | null;
  readonly original?: StoredTuple;
  readonly from?: string;
  readonly to?: string;
  readonly timer?: string;
  readonly packet?: { readonly capture: string; readonly index: number };
  readonly note: string;
}

export interface StoredEvidencePointer {
  readonly artifact: string;
  readonly locator: string;
  readonly note: string;
}

/** A finding of the stored match report, with what the findings rows do not keep. */
export interface StoredReportFinding {
  readonly rootCause: string;
  readonly flow?: { readonly client: string; readonly server: string; readonly backend?: string };
  readonly narrative?: readonly {
    readonly time?: string;
    readonly text: string;
    readonly evidence?: StoredEvidencePointer;
  }[];
  readonly nextEvidence?: readonly string[];
  readonly notes?: readonly string[];
}

export interface StoredReport {
  readonly findings: readonly StoredReportFinding[];
}
