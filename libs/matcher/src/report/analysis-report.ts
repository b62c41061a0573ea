import type { ArtifactKind } from '@netmortem/domain';

/**
 * What `netmortem analyze --format json` prints and the worker stores: the contract in
 * PRODUCT.md ("Interfaces"). Field names are public; add fields, never rename them.
 */
export interface AnalysisReport {
  readonly artifacts: readonly ArtifactStatus[];
  /** Sorted by confidence, highest first. Empty for a healthy bundle. */
  readonly findings: readonly Finding[];
  /** Preconditions of catalogued causes in a bundle that shows no failure from them. */
  readonly risks: readonly Risk[];
  /** What the matcher had to work with, so a reader knows what silence means. */
  readonly coverage: Coverage;
  readonly catalogueVersion: string;
}

export interface ArtifactStatus {
  readonly path: string;
  readonly kind: ArtifactKind;
  readonly status: string;
  readonly error?: string;
}

export interface Finding {
  /** A catalogue id. */
  readonly rootCause: string;
  readonly title: string;
  /** 0..1: how sure the matcher is that this cause explains the failure it saw. */
  readonly confidence: number;
  /** One paragraph: what happened, to which flow, when. */
  readonly summary: string;
  readonly flow?: FlowRef;
  /** The mechanism as it happened here, in time order. */
  readonly narrative: readonly NarrativeStep[];
  /** Why the matcher believes it. */
  readonly evidence: readonly EvidencePointer[];
  /** What speaks against it (or is missing that would be expected). */
  readonly evidenceAgainst: readonly EvidencePointer[];
  /** When another cause stays close: what to collect next to tell them apart. */
  readonly nextEvidence: readonly string[];
  readonly remediation: readonly RemediationAdvice[];
  /** Kernel-version and sysctl reasoning that changes how to read the finding. */
  readonly notes: readonly string[];
  /** Stable across re-analyses of the same bundle: root cause + flow. */
  readonly fingerprint: string;
}

/** The failing connection as its client saw it (the server is the address it dialled). */
export interface FlowRef {
  readonly client: string;
  readonly server: string;
  /** Where NAT really sent it, when known. */
  readonly backend?: string;
}

export interface NarrativeStep {
  /** ISO time with microseconds, when the step has one. */
  readonly time?: string;
  readonly text: string;
  readonly evidence?: EvidencePointer;
}

export interface EvidencePointer {
  readonly artifact: string;
  /** `packet 812`, `line 14`, or empty for the artifact as a whole. */
  readonly locator: string;
  readonly note: string;
}

export interface RemediationAdvice {
  readonly id: string;
  readonly title: string;
  readonly steps: readonly {
    readonly label?: string;
    readonly language: string;
    readonly code: string;
  }[];
  readonly tradeoffs: readonly string[];
  /** The simulator's verdict on this fix for this bundle, when it can model it. */
  readonly proof?: RemediationProof;
}

export interface RemediationProof {
  /**
   * `removes-failure`: the what-if run no longer shows the failing packet's fate;
   * `already-in-place`: the bundle's host already runs with this change.
   */
  readonly verdict:
    'removes-failure' | 'does-not-remove-failure' | 'already-in-place' | 'not-modelled';
  readonly detail: string;
  /** The simulator's own words for what changed. */
  readonly changes?: readonly string[];
}

export interface Risk {
  /** The catalogue id whose precondition holds. */
  readonly rootCause: string;
  readonly id: string;
  readonly summary: string;
  readonly evidence: readonly EvidencePointer[];
  readonly advice: string;
}

export interface Coverage {
  readonly captures: number;
  readonly packets: number;
  readonly flows: number;
  readonly replayed: boolean;
  readonly kernel?: string;
  readonly kernelProfile?: string;
  /** Artifact kinds present, for "what would help" hints. */
  readonly kinds: readonly ArtifactKind[];
}
