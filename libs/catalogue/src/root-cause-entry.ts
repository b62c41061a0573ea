/**
 * One catalogued root cause. `id` is a public contract (CLI JSON, GraphQL, stored findings,
 * team tooling), so it never changes once shipped. Issue-level depth (signatures per
 * artifact kind, remediation with trade-offs, labs) is added entry by entry.
 */
export interface RootCauseEntry {
  readonly id: string;
  readonly title: string;
  /** The mechanism in one sentence. */
  readonly summary: string;
  /** What the person on call sees before anyone knows the cause. */
  readonly symptoms: readonly string[];
  /** Seed write-up(s) in ../shared/seeds the entry started from, if any. */
  readonly seeds: readonly string[];
}
