import { constants, gunzipSync } from 'node:zlib';
import type { BundleFormat } from './bundle-types.js';
import { inspectTarBlock, TAR_BLOCK } from './tar-header.js';

/** How many leading bytes of a bundle file detection wants to see. */
export const FORMAT_HEAD_BYTES = 8192;

/** Growing prefixes, so a normal gzip header costs one tiny inflate. */
const GZIP_PROBE_SIZES = [512, 2048, FORMAT_HEAD_BYTES];
/** Even a crafted prefix cannot make detection allocate more than this. */
const GZIP_PROBE_MAX_OUTPUT = 1024 * 1024;

/**
 * Decides the format from the content; the name only breaks ties: an all-zero first block
 * (empty tar or zeros?), a gzip whose start cannot be inflated far enough, and content that
 * matches no archive while the name claims one (`bundle.tgz` full of garbage is reported as
 * a corrupt tar.gz rather than silently analysed as a plain file).
 */
export function detectBundleFormat(head: Buffer, originalName: string): BundleFormat {
  const claimed = formatClaimedByName(originalName);
  if (head[0] === 0x1f && head[1] === 0x8b) return gzipFlavour(head, claimed);
  if (isZipSignature(head)) return 'zip';
  if (inspectTarBlock(head) === 'tar') return 'tar';
  return claimed ?? 'plain';
}

function isZipSignature(head: Buffer): boolean {
  if (head.length < 4 || head[0] !== 0x50 || head[1] !== 0x4b) return false;
  // Local file header, or the end record of an empty archive.
  return (head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6);
}

function gzipFlavour(head: Buffer, claimed: BundleFormat | undefined): BundleFormat {
  const claimsTar = claimed === 'tar' || claimed === 'tar.gz';
  const inflated = inflatePrefix(head);
  if (inflated === undefined || inflated.length < TAR_BLOCK) {
    // A whole gzip stream this short cannot hold a tar; a cut-off one can only be guessed.
    if (isCompleteGzip(head)) return 'gzip';
    return claimsTar ? 'tar.gz' : 'gzip';
  }
  switch (inspectTarBlock(inflated)) {
    case 'tar':
      return 'tar.gz';
    case 'zero':
      return claimsTar ? 'tar.gz' : 'gzip';
    case 'no':
      return 'gzip';
  }
}

function inflatePrefix(head: Buffer): Buffer | undefined {
  let inflated: Buffer | undefined;
  for (const size of GZIP_PROBE_SIZES) {
    try {
      // A sync flush lets a cut-off stream return what it has instead of failing.
      inflated = gunzipSync(head.subarray(0, size), {
        finishFlush: constants.Z_SYNC_FLUSH,
        maxOutputLength: GZIP_PROBE_MAX_OUTPUT,
      });
    } catch {
      return inflated;
    }
    if (inflated.length >= TAR_BLOCK || size >= head.length) return inflated;
  }
  return inflated;
}

function isCompleteGzip(head: Buffer): boolean {
  try {
    gunzipSync(head, { maxOutputLength: GZIP_PROBE_MAX_OUTPUT });
    return true;
  } catch {
    return false;
  }
}

/** The format a file name claims, if any. */
export function formatClaimedByName(originalName: string): BundleFormat | undefined {
  const name = originalName.toLowerCase();
  if (name.endsWith('.tar.gz') || name.endsWith('.tgz')) return 'tar.gz';
  if (name.endsWith('.tar')) return 'tar';
  if (name.endsWith('.zip')) return 'zip';
  if (name.endsWith('.gz')) return 'gzip';
  return undefined;
}
