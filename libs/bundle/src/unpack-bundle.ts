import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { BundleErrorCode } from './bundle.error.js';
import { detectBundleFormat, FORMAT_HEAD_BYTES } from './bundle-format.js';
import type { BundleFormat, BundleSource, EntryHandler, UnpackSummary } from './bundle-types.js';
import { unpackDirectory } from './directory.unpacker.js';
import { reasonOf } from './error-reasons.js';
import { unpackSingleFile } from './single-file.unpacker.js';
import { unpackTar } from './tar.unpacker.js';
import { resolveUnpackLimits, type UnpackLimits } from './unpack-limits.js';
import { UnpackSession } from './unpack-session.js';
import { unpackZip } from './zip.unpacker.js';

/**
 * Streams every file of a bundle to `onEntry`, one at a time, in archive order, without
 * writing anything to disk. Rejects with a BundleError when the bundle is unsafe, over a
 * limit, truncated or corrupt; an error thrown by `onEntry` is rethrown unchanged (unless the
 * bundle failed first and that failure is what broke the callback).
 *
 * Duplicate paths are kept: the second `a/ss.txt` is delivered as `a/ss~2.txt`.
 */
export async function unpackBundle(
  source: BundleSource,
  onEntry: EntryHandler,
  limits?: Partial<UnpackLimits>,
): Promise<UnpackSummary> {
  const session = new UnpackSession(source, resolveUnpackLimits(limits), onEntry);
  try {
    const stats = await stat(source.path).catch((error: unknown) => {
      throw session.refuse(
        BundleErrorCode.Unreadable,
        `bundle cannot be read (${reasonOf(error)})`,
        {},
        error,
      );
    });
    const format = await unpackAs(session, stats);
    return session.summary(format);
  } catch (error) {
    // Anything not already translated (a bug, really) still leaves as a BundleError.
    throw session.fail(error, (cause) =>
      session.refuse(
        BundleErrorCode.Corrupt,
        `bundle cannot be unpacked (${reasonOf(cause)})`,
        {},
        cause,
      ),
    );
  }
}

async function unpackAs(session: UnpackSession, stats: Stats): Promise<BundleFormat> {
  if (stats.isDirectory()) {
    await unpackDirectory(session);
    return 'directory';
  }
  if (!stats.isFile()) {
    throw session.refuse(
      BundleErrorCode.Unreadable,
      'bundle is neither a regular file nor a directory',
    );
  }
  const format = detectBundleFormat(await readHead(session), session.bundle);
  switch (format) {
    case 'tar':
    case 'tar.gz':
      await unpackTar(session, format === 'tar.gz');
      break;
    case 'zip':
      await unpackZip(session);
      break;
    case 'gzip':
    case 'plain':
      await unpackSingleFile(session, format === 'gzip', stats.size);
      break;
    case 'directory':
      throw session.refuse(BundleErrorCode.Unreadable, 'bundle is a file, not a directory');
  }
  return format;
}

async function readHead(session: UnpackSession): Promise<Buffer> {
  try {
    const file = await open(session.source.path, 'r');
    try {
      const head = Buffer.alloc(FORMAT_HEAD_BYTES);
      const { bytesRead } = await file.read(head, 0, head.length, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw session.refuse(
      BundleErrorCode.Unreadable,
      `bundle cannot be read (${reasonOf(error)})`,
      {},
      error,
    );
  }
}
