interface Claim {
  readonly start: number;
  readonly end: number;
  readonly owner: string;
}

/**
 * Byte ranges of the zip file already claimed by a member. Overlapping members are how a
 * non-recursive zip bomb reuses one compressed kernel thousands of times; honest archives
 * never overlap. Sorted by start, so each claim is a binary search plus two neighbours.
 */
export class ByteRanges {
  private readonly claims: Claim[] = [];

  /** Claims [start, end); returns the owner it overlaps with, if any. */
  claim(start: number, end: number, owner: string): string | undefined {
    let low = 0;
    let high = this.claims.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.claims[middle]?.start ?? 0) < start) low = middle + 1;
      else high = middle;
    }
    const before = this.claims[low - 1];
    const after = this.claims[low];
    if (before !== undefined && before.end > start) return before.owner;
    if (after !== undefined && after.start < end) return after.owner;
    this.claims.splice(low, 0, { start, end, owner });
    return undefined;
  }
}
