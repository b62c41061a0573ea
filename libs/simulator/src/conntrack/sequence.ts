/**
 * 32-bit TCP sequence arithmetic on JavaScript numbers. Values are kept as unsigned integers in
 * [0, 2^32); comparisons wrap like the kernel's before()/after().
 */
export function seqAdd(a: number, b: number): number {
  return (a + b) >>> 0;
}

export function seqSub(a: number, b: number): number {
  return (a - b) >>> 0;
}

/** a comes strictly before b in sequence space. */
export function seqBefore(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** a comes strictly after b in sequence space. */
export function seqAfter(a: number, b: number): boolean {
  return seqBefore(b, a);
}
