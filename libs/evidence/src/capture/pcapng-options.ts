import { u16 } from './bytes.js';

const latin = new TextDecoder('utf-8');

/**
 * Walks pcapng options (code, length, value padded to 4 bytes) in [p, end) until
 * opt_endofopt or the end; stops quietly at a length that runs past the block.
 */
export function forEachOption(
  b: Uint8Array,
  p: number,
  end: number,
  littleEndian: boolean,
  visit: (code: number, at: number, size: number) => void,
): void {
  while (end - p >= 4) {
    const code = u16(b, p, littleEndian);
    const size = u16(b, p + 2, littleEndian);
    if (code === 0 || p + 4 + size > end) return;
    visit(code, p + 4, size);
    p += 4 + ((size + 3) & ~3);
  }
}

/**
 * Offset of the value of the first option `code` of at least `minSize` bytes, or -1. The
 * packet path uses this instead of `forEachOption` to avoid a closure per packet.
 */
export function findOption(
  b: Uint8Array,
  p: number,
  end: number,
  littleEndian: boolean,
  code: number,
  minSize: number,
): number {
  while (end - p >= 4) {
    const found = u16(b, p, littleEndian);
    const size = u16(b, p + 2, littleEndian);
    if (found === 0 || p + 4 + size > end) return -1;
    if (found === code && size >= minSize) return p + 4;
    p += 4 + ((size + 3) & ~3);
  }
  return -1;
}

/** An option's UTF-8 value, without the trailing NULs some writers add. */
export function optionText(b: Uint8Array, at: number, size: number): string {
  let end = at + size;
  while (end > at && b[end - 1] === 0) end -= 1;
  return latin.decode(b.subarray(at, end));
}
