import type { ArtifactKind } from '@netmortem/domain';

/**
 * One catalogued root cause, as reviewed data. `id` is a public contract (CLI JSON, GraphQL,
 * stored findings, team tooling), so it never changes once shipped. Everything here is read
 * by people (dashboard, `netmortem analyze`) and by the matcher (what-if recipes); the
 * detection logic itself lives in libs/matcher, one detector per entry.
 */
export interface RootCauseEntry {
  readonly id: string;
  readonly title: string;
  /** The mechanism in one sentence. */
  readonly summary: string;
  /** What the person on call sees before anyone knows the cause. */
  readonly symptoms: readonly string[];
  /** The mechanism, one step per item, in the order it happens. */
  readonly mechanism: readonly string[];
  /** What the cause leaves behind, per artifact kind. */
  readonly signatures: readonly Signature[];
  readonly affected: AffectedVersions;
  /** The sysctls that make it possible, prevent it, or set its timing. */
  readonly sysctls: readonly SysctlRole[];
  /** Ways out, best first. */
  readonly remediation: readonly RemediationOption[];
  /** How to know the fix worked. */
  readonly verification: readonly string[];
  readonly references: readonly Reference[];
  /** The reproduction lab (`netmortem lab run <id>`) and what its variants vary. */
  readonly lab: LabDescription;
  /** Seed write-up(s) in ../shared/seeds the entry started from, if any. */
  readonly seeds: readonly string[];
}

export interface Signature {
  readonly kind: ArtifactKind;
  /** What to look for in that artifact, in words. */
  readonly what: string;
  /** A short illustrative line or packet summary (addresses are placeholders). */
  readonly example?: string;
}

export interface AffectedVersions {
  /** e.g. "all kernels with nf_conntrack; healed by the challenge-ACK change in 6.2". */
  readonly kernel: string;
  readonly envoy?: string;
  readonly istio?: string;
  readonly clientGo?: string;
  readonly other?: readonly string[];
}

export interface SysctlRole {
  /** Full key, e.g. `net.netfilter.nf_conntrack_tcp_be_liberal`. */
  readonly key: string;
  /** Kernel default, as `sysctl` prints it. */
  readonly default?: string;
  /** Why it matters for this cause. */
  readonly role: string;
}

export interface RemediationOption {
  /** Stable within the entry (`drop-invalid`, `be-liberal`…): findings and reviews point at it. */
  readonly id: string;
  readonly title: string;
  /** Commands or config to apply, each a block a person can copy. */
  readonly steps: readonly RemediationStep[];
  /** What it costs or risks. */
  readonly tradeoffs: readonly string[];
  /** How the simulator applies this fix in a what-if run; absent when it cannot be modelled. */
  readonly whatIf?: WhatIfRecipe;
}

export interface RemediationStep {
  readonly label?: string;
  readonly language: 'shell' | 'yaml' | 'json' | 'text';
  readonly code: string;
}

/** Data only: the matcher turns it into simulator overrides (rules are parsed there). */
export interface WhatIfRecipe {
  /** sysctl overrides, e.g. `{ "net.netfilter.nf_conntrack_tcp_be_liberal": "1" }`. */
  readonly settings?: Readonly<Record<string, string>>;
  /** iptables-save lines to add, e.g. `{ table: 'mangle', line: '-I PREROUTING -m conntrack --ctstate INVALID -j DROP' }`. */
  readonly addRules?: readonly { readonly table: string; readonly line: string }[];
  /** TCP keepalive probes from one side of the failing flow every `everySec` seconds. */
  readonly keepalive?: {
    readonly side: 'client' | 'server';
    readonly everySec: number;
    /**
     * A timeout sysctl (seconds) the probes must beat. `everySec` is the production advice
     * (300 s against a 24 h conntrack timeout); a bundle whose timeout is shorter (a lab
     * shrinks it to seconds) gets probes every min(everySec, value / 2) instead.
     */
    readonly shorterThan?: string;
  };
  /** Another kernel profile (`6.2+`…). */
  readonly kernel?: string;
}

export interface Reference {
  readonly title: string;
  readonly url?: string;
}

export interface LabDescription {
  /** What the lab sets up, in words (topology, timeouts shrunk, traffic). */
  readonly description: string;
  /** One line per variant: what differs (topology, timing, artifact mix). */
  readonly variants: readonly string[];
  /** What this machine's kernel really does where it differs from folklore. */
  readonly kernelNotes?: readonly string[];
}
