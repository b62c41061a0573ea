/**
 * TCP sequence numbers live on a 32-bit circle (RFC 793 3.3): "before" means "less than
 * half the circle behind". JavaScript numbers are doubles, so every result is folded back
 * into 0..2^32-1.
 */

/** a + n on the sequence circle. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** Signed distance from b to a: positive when a is after b. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqBefore(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

export function seqAfter(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

/** lo <= x <= hi on the circle. */
export function seqBetween(x: number, lo: number, hi: number): boolean {
  return !seqBefore(x, lo) && !seqAfter(x, hi);
}
