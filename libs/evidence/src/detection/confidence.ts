/**
 * Confidence for a line-sampling heuristic: grows linearly with the share of sampled lines that
 * match, from `floor` (one line in many) to `ceiling` (every line). Zero matches give zero.
 */
export function shareConfidence(
  matched: number,
  sampled: number,
  floor: number,
  ceiling: number,
): number {
  if (matched <= 0 || sampled <= 0) return 0;
  const share = Math.min(1, matched / sampled);
  return roundConfidence(floor + (ceiling - floor) * share);
}

/** Two decimals: enough to rank, and stable in snapshots and JSON output. */
export function roundConfidence(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}

export function sampledLines(matched: number, sampled: number, what: string): string {
  return `${matched} of ${sampled} sampled lines ${what}`;
}
