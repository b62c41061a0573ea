import { BundleError, BundleErrorCode } from './bundle.error.js';

const MAX_QUOTED_NAME = 200;

/**
 * Turns a member name as stored by an archive into a safe posix path relative to the bundle
 * root, or throws. Backslashes count as separators so a Windows-made `..\..\x` cannot slip
 * through; "." and empty segments are dropped, so "./a//b" becomes "a/b" and "./" becomes ""
 * (the root, which only directory members can have).
 */
export function normaliseEntryPath(raw: string, bundle: string, maxDepth: number): string {
  const refuse = (code: BundleErrorCode, why: string): BundleError =>
    new BundleError(code, `entry ${quoteEntryName(raw)} ${why}`, { bundle, path: raw });

  if (raw.includes('\0')) throw refuse(BundleErrorCode.InvalidPath, 'has a NUL byte in its name');
  if (/^[a-zA-Z]:/.test(raw)) {
    throw refuse(BundleErrorCode.AbsolutePath, 'is an absolute path (Windows drive letter)');
  }
  if (raw.startsWith('/') || raw.startsWith('\\')) {
    throw refuse(BundleErrorCode.AbsolutePath, 'is an absolute path');
  }
  const segments = raw.split(/[/\\]/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw refuse(BundleErrorCode.PathTraversal, 'escapes the bundle (path traversal)');
  }
  if (segments.length > maxDepth) {
    throw refuse(BundleErrorCode.PathTooDeep, `is nested deeper than ${maxDepth} path segments`);
  }
  return segments.join('/');
}

/** Quoted and bounded, so a 4 MiB PAX name or control bytes cannot flood a message. */
export function quoteEntryName(name: string): string {
  const shown = name.length > MAX_QUOTED_NAME ? `${name.slice(0, MAX_QUOTED_NAME)}…` : name;
  return JSON.stringify(shown);
}

/** `capture.pcap.gz` → `capture.pcap`, `logs.tgz` → `logs.tar`; other names are kept. */
export function stripGzipSuffix(path: string): string {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  const stem = base.replace(/\.(gz|tgz)$/i, '');
  // A member literally called ".gz" keeps its name rather than becoming an empty one.
  if (stem === '' || stem === base) return path;
  return dir + stem + (/\.tgz$/i.test(base) ? '.tar' : '');
}

/**
 * The entry name of a single-file bundle: the upload's base name (the client may send a full
 * Windows or posix path), with a fallback when that name is unusable.
 */
export function singleFileEntryName(originalName: string, gunzipped: boolean): string {
  const base = originalName.split(/[/\\]/).pop() ?? '';
  const usable = base !== '' && base !== '.' && base !== '..' && !base.includes('\0');
  const name = usable ? base : 'bundle';
  return gunzipped ? stripGzipSuffix(name) : name;
}
