/**
 * Whether a file's first bytes are binary (compressed, an image, a core dump…) rather than
 * text. Such a file of no known kind cannot be redacted, so it is left out of the bundle.
 */
export function looksBinary(head: Uint8Array): boolean {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true; // gzip
  let odd = 0;
  for (const byte of head) {
    if (byte === 0) return true;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f) odd += 1;
  }
  return odd > head.length / 100;
}
