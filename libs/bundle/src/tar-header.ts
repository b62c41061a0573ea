export const TAR_BLOCK = 512;

const MAGIC_OFFSET = 257;
const CHECKSUM_OFFSET = 148;
const CHECKSUM_LENGTH = 8;

/**
 * What the first 512 bytes say about being a tar header: "tar", "zero" (an all-zero block:
 * an empty tar, or just zeros; only the name can decide) or "no".
 */
export type TarBlockVerdict = 'tar' | 'zero' | 'no';

export function inspectTarBlock(head: Buffer): TarBlockVerdict {
  if (head.length < TAR_BLOCK) return 'no';
  const block = head.subarray(0, TAR_BLOCK);
  if (block.every((byte) => byte === 0)) return 'zero';
  if (block.toString('latin1', MAGIC_OFFSET, MAGIC_OFFSET + 5) === 'ustar') return 'tar';
  return hasValidChecksum(block) ? 'tar' : 'no';
}

/**
 * Pre-POSIX (v7) headers have no magic; their checksum is the only fingerprint. Some old tars
 * summed signed bytes, so both sums are accepted. Random data matches with negligible odds.
 */
function hasValidChecksum(block: Buffer): boolean {
  const field = block
    .toString('latin1', CHECKSUM_OFFSET, CHECKSUM_OFFSET + CHECKSUM_LENGTH)
    .replace(/^[ \0]+|[ \0]+$/g, '');
  if (!/^[0-7]{1,7}$/.test(field)) return false;
  const stored = Number.parseInt(field, 8);
  let unsigned = 0;
  let signed = 0;
  for (let index = 0; index < TAR_BLOCK; index += 1) {
    const inChecksum = index >= CHECKSUM_OFFSET && index < CHECKSUM_OFFSET + CHECKSUM_LENGTH;
    const byte = inChecksum ? 0x20 : (block[index] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}
