import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { BundleErrorCode, type BundleError } from './bundle.error.js';
import type { BundleEntry } from './bundle-types.js';
import { quoteEntryName, stripGzipSuffix } from './entry-path.js';
import { EntryOutlet } from './entry-outlet.js';
import { asError, isZlibTruncation, reasonOf } from './error-reasons.js';
import { inflationLayer } from './inflation-layer.js';
import type { ByteSource } from './stream-source.js';
import type { UnpackSession } from './unpack-session.js';

/** gzip magic plus the deflate method byte; two bytes alone match too much binary data. */
const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

export interface Member extends ByteSource {
  /** Normalised path as listed by the archive. */
  readonly path: string;
  /** Stored size; not reported when the member turns out to be gzip (it is the compressed size). */
  readonly declaredSize?: number;
  /** Whether a gzip-compressed member is decompressed (one level) before delivery. */
  readonly gunzipNested: boolean;
}

/**
 * Hands one member to the entry callback and returns once it is fully consumed (or drained).
 * A gzip member is recognised by its first bytes, so its final path is known before the
 * callback runs. Errors from the callback propagate unchanged unless the bundle had already
 * failed, in which case that BundleError (usually what broke the callback) is thrown.
 */
export async function deliverEntry(session: UnpackSession, member: Member): Promise<void> {
  const iterator = member.bytes[Symbol.asyncIterator]();
  const head = await readHead(iterator, GZIP_MAGIC.length);
  const gzipped =
    member.gunzipNested && GZIP_MAGIC.every((byte, index) => head.bytes[index] === byte);
  const path = session.paths.claim(gzipped ? stripGzipSuffix(member.path) : member.path);
  session.budget.currentPath = path;

  const outlet = new EntryOutlet(session.budget.meterEntry(path));
  const translate = (error: unknown) => nestedGzipFailure(session, member.path, error);
  const abandon = (error: unknown): unknown => {
    const failure = session.fail(error, translate);
    member.cancel(failure);
    return failure;
  };
  const layers: Duplex[] = gzipped ? inflationLayer(session.budget, createGunzip()) : [];
  for (const stream of [...layers, outlet.writable]) stream.once('error', abandon);
  const flow = pipeline([Readable.from(replay(head, iterator)), ...layers, outlet.writable]).then(
    () => undefined,
    (error: unknown) => outlet.fail(asError(abandon(error))),
  );

  const entry: BundleEntry = { path, stream: outlet.readable };
  if (!gzipped && member.declaredSize !== undefined) entry.declaredSize = member.declaredSize;
  try {
    await session.onEntry(entry);
  } catch (error) {
    const failure = session.failures.record(error);
    member.cancel(failure);
    outlet.writable.destroy(asError(failure));
    await flow;
    throw failure;
  }
  outlet.discardRest();
  await flow;
  session.failures.throwIfFailed();
  session.entryDelivered();
}

interface Head {
  readonly chunks: Buffer[];
  readonly bytes: Buffer;
  readonly done: boolean;
}

async function readHead(iterator: AsyncIterator<Buffer>, length: number): Promise<Head> {
  const chunks: Buffer[] = [];
  let read = 0;
  while (read < length) {
    const next = await iterator.next();
    if (next.done === true) return { chunks, bytes: Buffer.concat(chunks), done: true };
    chunks.push(next.value);
    read += next.value.length;
  }
  return { chunks, bytes: Buffer.concat(chunks), done: false };
}

async function* replay(head: Head, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  let finished = head.done;
  try {
    yield* head.chunks;
    while (!finished) {
      const next = await rest.next();
      if (next.done === true) finished = true;
      else yield next.value;
    }
  } finally {
    // Stopped early: let the member's source close its streams and file handles.
    if (!finished) await rest.return?.();
  }
}

function nestedGzipFailure(session: UnpackSession, path: string, error: unknown): BundleError {
  const truncated = isZlibTruncation(error);
  return session.refuse(
    truncated ? BundleErrorCode.Truncated : BundleErrorCode.Corrupt,
    `entry ${quoteEntryName(path)} is ${truncated ? 'a truncated' : 'a corrupt'} gzip stream (${reasonOf(error)})`,
    { path },
    error,
  );
}
