import { BundleErrorCode, type BundleError } from './bundle.error.js';
import { quoteEntryName } from './entry-path.js';
import { isFileSystemError, isZlibError, isZlibTruncation, reasonOf } from './error-reasons.js';
import type { UnpackSession } from './unpack-session.js';

/**
 * Translates a failure while reading the bundle file itself (and its outer gzip layer, if
 * any). Offsets are positions in the uploaded file, so a truncated upload reads e.g.
 * `capture.pcap.gz@1234: gzip stream is truncated (unexpected end of file)`.
 */
export function sourceReadFailure(
  session: UnpackSession,
  error: unknown,
  layer: 'gzip' | 'tar' | 'file',
): BundleError {
  const current = session.budget.currentPath;
  const where = current === undefined ? '' : ` while reading entry ${quoteEntryName(current)}`;
  const details = {
    byteOffset: session.budget.bytesRead,
    ...(current === undefined ? {} : { path: current }),
  };
  if (isFileSystemError(error)) {
    return session.refuse(
      BundleErrorCode.Unreadable,
      `bundle file cannot be read (${reasonOf(error)})`,
      {},
      error,
    );
  }
  if (layer === 'gzip' && isZlibError(error)) {
    const truncated = isZlibTruncation(error);
    return session.refuse(
      truncated ? BundleErrorCode.Truncated : BundleErrorCode.Corrupt,
      `gzip stream is ${truncated ? 'truncated' : 'corrupt'} (${reasonOf(error)})${where}`,
      details,
      error,
    );
  }
  return session.refuse(
    BundleErrorCode.Corrupt,
    `${layer} data cannot be read (${reasonOf(error)})${where}`,
    details,
    error,
  );
}
