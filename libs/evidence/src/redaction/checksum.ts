/**
 * Internet checksums (RFC 1071) and their incremental update (RFC 1624). Rewriting an
 * address or a port changes the TCP/UDP/ICMP checksum's inputs; updating the checksum by
 * the difference keeps it exactly as right (or as wrong, under checksum offload) as it was,
 * without needing the payload it also covers, which redaction removes.
 */

/** The one's-complement checksum of `b[from, to)` (to - from even), ready to store. */
export function internetChecksum(b: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i + 1 < to; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if ((to - from) & 1) sum += b[to - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Accumulates the 16-bit words a rewrite changes, for one checksum. */
export class ChecksumDelta {
  private sum = 0;

  /** A 16-bit word went from `before` to `after`. */
  word(before: number, after: number): void {
    this.sum += (~before & 0xffff) + after;
  }

  /** `length` bytes (even) at the same offset of `before` and `after`. */
  bytes(before: Uint8Array, after: Uint8Array, at: number, length: number): void {
    for (let i = 0; i < length; i += 2)
      this.word(
        (before[at + i]! << 8) | before[at + i + 1]!,
        (after[at + i]! << 8) | after[at + i + 1]!,
      );
  }

  reset(): void {
    this.sum = 0;
  }

  get empty(): boolean {
    return this.sum === 0;
  }

  /** The checksum `checksum` updated by every change recorded. */
  apply(checksum: number): number {
    let sum = (~checksum & 0xffff) + this.sum;
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    return ~sum & 0xffff;
  }
}
