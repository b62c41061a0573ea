import type { Readable } from 'node:stream';
import { createInflateRaw, crc32 } from 'node:zlib';
import type yauzl from 'yauzl';
import { BundleErrorCode } from './bundle.error.js';
import { ByteRanges } from './byte-ranges.js';
import { ByteTap } from './byte-tap.js';
import { deliverEntry } from './entry-delivery.js';
import { quoteEntryName } from './entry-path.js';
import { inflationLayer } from './inflation-layer.js';
import { chainSource } from './stream-source.js';
import type { UnpackSession } from './unpack-session.js';
import { ZipArchive } from './zip-archive.js';
import { isEncrypted, zipEntryKind } from './zip-entry-kind.js';
import { zipFailure } from './zip-failure.js';

const STORED = 0;
const DEFLATED = 8;

/**
 * Reads a zip through its central directory, in directory order. Sizes are checked against
 * the limits before reading, then the stored bytes are decompressed here (not by yauzl) so
 * they are metered like every other layer, and verified against the declared size and CRC.
 */
export async function unpackZip(session: UnpackSession): Promise<void> {
  let archive: ZipArchive;
  try {
    archive = await ZipArchive.open(session.source.path);
  } catch (error) {
    throw session.fail(error, (cause) => zipFailure(session, cause, {}));
  }
  try {
    if (archive.entryCount > session.limits.maxEntries) {
      throw session.refuse(
        BundleErrorCode.TooManyEntries,
        `bundle has more than ${session.limits.maxEntries} entries (the zip lists ${archive.entryCount})`,
        { limit: session.limits.maxEntries, listed: archive.entryCount },
      );
    }
    const ranges = new ByteRanges();
    for (;;) {
      const cursor = archive.centralDirectoryCursor;
      const entry = await archive.next().catch((error: unknown) => {
        throw session.fail(error, (cause) => zipFailure(session, cause, { byteOffset: cursor }));
      });
      if (entry === undefined) break;
      await unpackZipMember(session, archive, entry, ranges);
    }
  } catch (error) {
    throw session.fail(error, (cause) => zipFailure(session, cause, {}));
  } finally {
    await archive.close();
  }
}

async function unpackZipMember(
  session: UnpackSession,
  archive: ZipArchive,
  entry: yauzl.Entry,
  ranges: ByteRanges,
): Promise<void> {
  const name = entry.fileName;
  const quoted = quoteEntryName(name);
  session.countMember(name);
  const path = session.normalise(name);
  const kind = zipEntryKind(entry);
  if (kind === 'directory') return;
  if (kind === 'symlink') {
    throw session.refuse(
      BundleErrorCode.LinkEntry,
      `entry ${quoted} is a symbolic link; links are not allowed`,
      { path: name },
    );
  }
  if (kind === 'special') {
    throw session.refuse(
      BundleErrorCode.SpecialEntry,
      `entry ${quoted} is not a regular file; only regular files are allowed`,
      { path: name },
    );
  }
  if (isEncrypted(entry)) {
    throw session.refuse(BundleErrorCode.EncryptedEntry, `entry ${quoted} is encrypted`, {
      path: name,
    });
  }
  if (path === '') {
    throw session.refuse(BundleErrorCode.InvalidPath, `entry ${quoted} has no file name`, {
      path: name,
    });
  }
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    session.skip(path, `unsupported zip compression method ${entry.compressionMethod}`);
    return;
  }
  session.budget.admitDeclaredSize(path, entry.uncompressedSize);

  const header = await archive.localHeader(entry).catch((error: unknown) => {
    throw session.fail(error, (cause) =>
      zipFailure(session, cause, { entry: name, byteOffset: entry.relativeOffsetOfLocalHeader }),
    );
  });
  const end = header.fileDataStart + entry.compressedSize;
  const overlapped = ranges.claim(entry.relativeOffsetOfLocalHeader, end, name);
  if (overlapped !== undefined) {
    throw session.refuse(
      BundleErrorCode.OverlappingEntries,
      `entries ${quoteEntryName(overlapped)} and ${quoted} overlap in the zip file (zip bomb)`,
      { path: name, byteOffset: entry.relativeOffsetOfLocalHeader, overlaps: overlapped },
    );
  }

  const stored = chainSource(
    session,
    async (): Promise<Readable[]> => [
      await archive.openRaw(header.fileDataStart, entry.compressedSize),
      new ByteTap((count) => session.budget.noteSourceBytes(count)),
      ...(entry.compressionMethod === DEFLATED
        ? inflationLayer(session.budget, createInflateRaw())
        : []),
    ],
    (error) => zipFailure(session, error, { entry: name, byteOffset: header.fileDataStart }),
  );
  await deliverEntry(session, {
    path,
    declaredSize: entry.uncompressedSize,
    gunzipNested: true,
    bytes: { [Symbol.asyncIterator]: () => verified(session, stored.bytes, entry) },
    cancel: stored.cancel,
  });
}

/** The declared size and CRC-32 must match what inflated; anything else is corruption. */
async function* verified(
  session: UnpackSession,
  bytes: AsyncIterable<Buffer>,
  entry: yauzl.Entry,
): AsyncGenerator<Buffer> {
  let size = 0;
  let checksum = 0;
  const corrupt = (why: string) =>
    session.fail(undefined, () =>
      session.refuse(
        BundleErrorCode.Corrupt,
        `zip is corrupt: entry ${quoteEntryName(entry.fileName)} ${why}`,
        {
          path: entry.fileName,
        },
      ),
    );
  for await (const chunk of bytes) {
    size += chunk.length;
    if (size > entry.uncompressedSize)
      throw corrupt(`holds more than its declared ${entry.uncompressedSize} bytes`);
    checksum = crc32(chunk, checksum);
    yield chunk;
  }
  if (size < entry.uncompressedSize) {
    throw corrupt(`holds ${size} bytes, fewer than its declared ${entry.uncompressedSize}`);
  }
  if (checksum >>> 0 !== entry.crc32 >>> 0) throw corrupt('fails its CRC-32 check');
}
