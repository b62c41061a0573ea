import { READ_CHUNK_BYTES } from './unpack-limits.js';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { BundleErrorCode, type BundleError } from './bundle.error.js';
import { ByteTap } from './byte-tap.js';
import { deliverEntry } from './entry-delivery.js';
import { quoteEntryName } from './entry-path.js';
import { asError, reasonOf } from './error-reasons.js';
import { inflationLayer } from './inflation-layer.js';
import { sourceReadFailure } from './source-failure.js';
import type { UnpackSession } from './unpack-session.js';

// v7 archives have no magic; detection already vouched for the first header's checksum.
// The option exists at runtime but is missing from tar-stream's typings.
const EXTRACT_OPTIONS = { allowUnknownFormat: true } as Parameters<typeof tarStream.extract>[0];

/** tar-stream's typings do not export their entry type; it is what extract iterates. */
type TarMember = tarStream.Extract extends AsyncIterable<infer Member> ? Member : never;

/** Where the tar parser is, for messages. */
interface TarProgress {
  readonly gzipped: boolean;
  /** Bytes handed to the parser (all of them, once the input ended). */
  fed: number;
  /** The last member the parser announced: its name, header offset, and whether its data is still being read. */
  member: { name: string; offset: number; reading: boolean } | undefined;
  /** Set once every byte of the file went into the parser and it accepted the end. */
  complete: boolean;
}

/**
 * Streams a tar or tar.gz: file → byte count → (gunzip) → tar-stream's extract, members one
 * at a time. Links and device nodes are refused, directories skipped, anything else
 * unrecognised drained and reported as skipped.
 */
export async function unpackTar(session: UnpackSession, gzipped: boolean): Promise<void> {
  const extract = tarStream.extract(EXTRACT_OPTIONS);
  const progress: TarProgress = { gzipped, fed: 0, member: undefined, complete: false };
  const feeding = feedTar(session, extract, gzipped, progress);
  try {
    for await (const member of extract) await unpackTarMember(session, extract, member, progress);
  } catch (error) {
    extract.destroy(
      asError(session.fail(error, (cause) => tarParseFailure(session, cause, progress))),
    );
  } finally {
    await feeding;
  }
  // Belt and braces: the parser must have accepted the whole file, or something failed.
  if (!progress.complete) {
    session.fail(undefined, () =>
      tarParseFailure(session, new Error('the archive stopped early'), progress),
    );
  }
  session.failures.throwIfFailed();
}

async function feedTar(
  session: UnpackSession,
  extract: tarStream.Extract,
  gzipped: boolean,
  progress: TarProgress,
): Promise<void> {
  const chain: Readable[] = [
    createReadStream(session.source.path, { highWaterMark: READ_CHUNK_BYTES }),
    new ByteTap((count) => session.budget.noteSourceBytes(count)),
    ...(gzipped ? inflationLayer(session.budget, createGunzip()) : []),
  ];
  const last = chain.at(-1) as Readable;
  const flow = pipeline(chain).catch(() => undefined);
  try {
    for await (const chunk of last as AsyncIterable<Buffer>) {
      progress.fed += chunk.length;
      if (!extract.write(chunk) && !(await drained(extract))) break;
    }
    if (!extract.destroyed) {
      extract.end(undefined);
      progress.complete = await finished(extract);
    }
  } catch (error) {
    const failure = session.fail(error, (cause) =>
      sourceReadFailure(session, cause, gzipped ? 'gzip' : 'tar'),
    );
    extract.destroy(asError(failure));
  } finally {
    last.destroy();
    await flow;
  }
}

/** Resolves true on 'drain', false if the parser was destroyed instead. */
function drained(extract: tarStream.Extract): Promise<boolean> {
  return waitFor(extract, 'drain');
}

function finished(extract: tarStream.Extract): Promise<boolean> {
  return waitFor(extract, 'finish');
}

function waitFor(extract: tarStream.Extract, event: 'drain' | 'finish'): Promise<boolean> {
  if (extract.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (ok: boolean) => () => {
      extract.off(event, onEvent);
      extract.off('close', onClose);
      resolve(ok);
    };
    const onEvent = settle(true);
    const onClose = settle(false);
    extract.once(event, onEvent);
    extract.once('close', onClose);
  });
}

async function unpackTarMember(
  session: UnpackSession,
  extract: tarStream.Extract,
  member: TarMember,
  progress: TarProgress,
): Promise<void> {
  const { header } = member;
  const hasData = header.type !== 'directory' && (header.size ?? 0) > 0;
  progress.member = { name: header.name, offset: member.offset, reading: hasData };
  session.countMember(header.name);
  const path = session.normalise(header.name);
  session.budget.currentPath = path || header.name;
  const quoted = quoteEntryName(header.name);
  switch (header.type) {
    case 'file':
    case 'contiguous-file':
      break;
    case 'directory':
      // tar-stream never feeds a directory's stream (even with a bogus size), so it is not read.
      return;
    case 'symlink':
    case 'link': {
      const kind = header.type === 'symlink' ? 'a symbolic link' : 'a hard link';
      throw session.refuse(
        BundleErrorCode.LinkEntry,
        `entry ${quoted} is ${kind} to ${quoteEntryName(header.linkname ?? '')}; links are not allowed`,
        { path: header.name },
      );
    }
    case 'character-device':
    case 'block-device':
    case 'fifo':
      throw session.refuse(
        BundleErrorCode.SpecialEntry,
        `entry ${quoted} is a ${header.type}; only regular files are allowed`,
        { path: header.name },
      );
    default:
      // tar-stream reports flags it does not know (GNU sparse, volume labels...) as null.
      session.skip(
        path || header.name,
        'unsupported tar entry type (not a file, directory or link)',
      );
      await drainMember(session, member, progress);
      return;
  }
  if (path === '') {
    throw session.refuse(BundleErrorCode.InvalidPath, `entry ${quoted} has no file name`, {
      path: header.name,
    });
  }
  const size = header.size ?? 0;
  session.budget.admitDeclaredSize(path, size);
  await deliverEntry(session, {
    path,
    declaredSize: size,
    gunzipNested: true,
    bytes: { [Symbol.asyncIterator]: () => memberBytes(session, member, size, progress) },
    cancel: (reason) => extract.destroy(asError(reason)),
  });
}

async function* memberBytes(
  session: UnpackSession,
  member: TarMember,
  size: number,
  progress: TarProgress,
): AsyncGenerator<Buffer> {
  let seen = 0;
  try {
    for await (const chunk of member as AsyncIterable<Buffer>) {
      seen += chunk.length;
      yield chunk;
    }
    if (progress.member) progress.member.reading = seen < size;
  } catch (error) {
    throw session.fail(error, (cause) => tarParseFailure(session, cause, progress));
  }
  if (seen < size) {
    throw session.fail(undefined, () =>
      tarParseFailure(session, new Error('Unexpected end of data'), progress),
    );
  }
}

async function drainMember(
  session: UnpackSession,
  member: TarMember,
  progress: TarProgress,
): Promise<void> {
  for await (const chunk of memberBytes(session, member, member.header.size ?? 0, progress))
    void chunk;
}

/** tar-stream reports problems as plain Errors; only their wording tells them apart. */
function tarParseFailure(
  session: UnpackSession,
  error: unknown,
  progress: TarProgress,
): BundleError {
  const { member } = progress;
  const located = member === undefined ? {} : { path: member.name, tarOffset: member.offset };
  if (/unexpected end of data/i.test(reasonOf(error))) {
    const where =
      member === undefined
        ? 'inside its first header'
        : member.reading
          ? `inside entry ${quoteEntryName(member.name)} (header at tar offset ${member.offset})`
          : `after entry ${quoteEntryName(member.name)}, in the middle of a header`;
    // Where a plain tar ends is a position in the uploaded file; a tar.gz's is not.
    const end = progress.gzipped ? {} : { byteOffset: progress.fed };
    return session.refuse(
      BundleErrorCode.Truncated,
      `tar archive is truncated: it ends ${where}`,
      { ...located, ...end },
      error,
    );
  }
  const where =
    member === undefined
      ? 'in its first header'
      : `after entry ${quoteEntryName(member.name)} (header at tar offset ${member.offset})`;
  return session.refuse(
    BundleErrorCode.Corrupt,
    `tar archive is corrupt: ${describeTarProblem(error)} ${where}`,
    located,
    error,
  );
}

/** tar-stream's wording, minus its hint to gunzip (detection already looked for gzip). */
function describeTarProblem(error: unknown): string {
  const reason = reasonOf(error);
  if (/^Invalid tar header/i.test(reason))
    return /unknown format/i.test(reason) ? 'unknown header format' : 'invalid header checksum';
  if (/^Invalid header/i.test(reason)) return 'invalid entry size';
  if (/Header exceeds max size/i.test(reason)) return 'extended header too large';
  return reason;
}
