import { u16be } from './bytes.js';

/** Extension headers followed for the quoted packet of an ICMPv6 error (and its cap). */
const MAX_EXTENSIONS = 8;

/**
 * Skips IPv6 extension headers starting at `p` with next-header `next`. Returns the offset
 * of the upper-layer header times 256 plus its protocol number, packed into one number so
 * the hot path allocates nothing. Stops at the first header it cannot walk.
 */
export function walkIpv6Extensions(b: Uint8Array, p: number, end: number, next: number): number {
  for (let i = 0; i < MAX_EXTENSIONS; i++) {
    const length = extensionLength(b, p, end, next);
    if (length <= 0 || p + length > end) break;
    if (next === 44 && (u16be(b, p + 2) & 0xfff8) !== 0) break; // later fragment: no ports
    next = b[p] as number;
    p += length;
  }
  return p * 256 + next;
}

/** Length in bytes of the extension header `next` at `p`; 0 when `next` is not one. */
export function extensionLength(b: Uint8Array, p: number, end: number, next: number): number {
  switch (next) {
    case 0: // hop-by-hop
    case 43: // routing
    case 60: // destination options
    case 135: // mobility
    case 139: // HIP
    case 140: // shim6
      return end - p >= 2 ? ((b[p + 1] as number) + 1) * 8 : -1;
    case 44: // fragment
      return end - p >= 8 ? 8 : -1;
    case 51: // authentication header: length in 4-byte units, minus 2
      return end - p >= 2 ? ((b[p + 1] as number) + 2) * 4 : -1;
    default:
      return 0;
  }
}
