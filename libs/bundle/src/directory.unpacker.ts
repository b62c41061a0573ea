import { READ_CHUNK_BYTES } from './unpack-limits.js';
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink, realpath } from 'node:fs/promises';
import nodePath from 'node:path';
import { BundleErrorCode } from './bundle.error.js';
import { ByteTap } from './byte-tap.js';
import { deliverEntry } from './entry-delivery.js';
import { quoteEntryName } from './entry-path.js';
import { reasonOf } from './error-reasons.js';
import { chainSource } from './stream-source.js';
import type { UnpackSession } from './unpack-session.js';

/** Refuses to open a path that became a symlink after it was listed (no following links). */
const OPEN_NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * Walks a directory (the CLI's `analyze ./dump/`) in a stable, locale-independent order.
 * Symlinks are never followed: one that points outside the tree is refused (it would leak
 * host files into the analysis), others are skipped. Sockets, fifos and devices are skipped.
 */
export async function unpackDirectory(session: UnpackSession): Promise<void> {
  let root: string;
  try {
    root = await realpath(session.source.path);
  } catch (error) {
    throw unreadable(session, '', error);
  }
  await walk(session, root, root, '');
}

async function walk(
  session: UnpackSession,
  root: string,
  directory: string,
  relative: string,
): Promise<void> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    throw unreadable(session, relative, error);
  }
  names.sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
  for (const name of names) {
    const rawPath = relative === '' ? name : `${relative}/${name}`;
    const absolute = nodePath.join(directory, name);
    session.countMember(rawPath);
    const path = session.normalise(rawPath);
    let stats: Stats;
    try {
      stats = await lstat(absolute);
    } catch (error) {
      throw unreadable(session, rawPath, error);
    }
    if (stats.isDirectory()) await walk(session, root, absolute, path);
    else if (stats.isSymbolicLink()) await checkSymlink(session, root, absolute, path);
    else if (stats.isFile()) await deliverFile(session, absolute, path, stats.size);
    else session.skip(path, `not a regular file (${kindOf(stats)})`);
  }
}

async function deliverFile(
  session: UnpackSession,
  absolute: string,
  path: string,
  size: number,
): Promise<void> {
  session.budget.admitDeclaredSize(path, size);
  const source = chainSource(
    session,
    async () => [
      (await open(absolute, OPEN_NO_FOLLOW)).createReadStream({ highWaterMark: READ_CHUNK_BYTES }),
      new ByteTap((count) => session.budget.noteSourceBytes(count)),
    ],
    (error) => unreadable(session, path, error),
  );
  await deliverEntry(session, { ...source, path, declaredSize: size, gunzipNested: true });
}

async function checkSymlink(
  session: UnpackSession,
  root: string,
  absolute: string,
  path: string,
): Promise<void> {
  let target: string;
  try {
    target = await readlink(absolute);
  } catch (error) {
    throw unreadable(session, path, error);
  }
  // Both the link's text and where it really ends up (through other links) must stay inside.
  const lexical = nodePath.resolve(nodePath.dirname(absolute), target);
  const real = await realpath(absolute).catch(() => undefined);
  if (!isInside(root, lexical) || (real !== undefined && !isInside(root, real))) {
    throw session.refuse(
      BundleErrorCode.LinkEntry,
      `entry ${quoteEntryName(path)} is a symbolic link to ${quoteEntryName(target)}, outside the bundle`,
      { path, target },
    );
  }
  session.skip(
    path,
    real === undefined ? 'dangling symbolic link' : 'symbolic link (not followed)',
  );
}

function isInside(root: string, candidate: string): boolean {
  const relative = nodePath.relative(root, candidate);
  const escapes = relative === '..' || relative.startsWith(`..${nodePath.sep}`);
  return !escapes && !nodePath.isAbsolute(relative);
}

function kindOf(stats: Stats): string {
  if (stats.isSocket()) return 'socket';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  return 'unknown type';
}

function unreadable(session: UnpackSession, path: string, error: unknown) {
  const what = path === '' ? 'bundle directory' : `entry ${quoteEntryName(path)}`;
  return session.refuse(
    BundleErrorCode.Unreadable,
    `${what} cannot be read (${reasonOf(error)})`,
    path === '' ? {} : { path },
    error,
  );
}
