import { BundleError, BundleErrorCode } from './bundle.error.js';
import { quoteEntryName } from './entry-path.js';
import { isFileSystemError, isZlibError, isZlibTruncation, reasonOf } from './error-reasons.js';
import type { UnpackSession } from './unpack-session.js';

/** Where in the zip a failure happened, as far as it is known. */
export interface ZipPlace {
  readonly entry?: string;
  readonly byteOffset?: number;
}

/** yauzl rejects unsafe names itself, with these messages; they are mapped to our codes. */
const UNSAFE_NAME =
  /^(?:absolute path|invalid relative path|invalid characters in fileName): ([\s\S]*)$/;
const TRUNCATION =
  /unexpected EOF|overflows file bounds|not enough bytes|end of central directory record signature not found/i;

/** Translates yauzl, zlib and fs failures while reading a zip. */
export function zipFailure(session: UnpackSession, error: unknown, place: ZipPlace): BundleError {
  const reason = reasonOf(error);
  const details = {
    ...(place.entry === undefined ? {} : { path: place.entry }),
    ...(place.byteOffset === undefined ? {} : { byteOffset: place.byteOffset }),
  };
  const where = place.entry === undefined ? '' : ` at entry ${quoteEntryName(place.entry)}`;

  const unsafe = UNSAFE_NAME.exec(reason);
  if (unsafe?.[1] !== undefined) return unsafeName(session, unsafe[1], error);
  if (/strong encryption/i.test(reason)) {
    return session.refuse(
      BundleErrorCode.EncryptedEntry,
      `zip uses strong encryption${where}, which is not supported`,
      details,
      error,
    );
  }
  if (isFileSystemError(error)) {
    return session.refuse(
      BundleErrorCode.Unreadable,
      `bundle file cannot be read (${reason})`,
      {},
      error,
    );
  }
  if (isZlibError(error)) {
    const truncated = isZlibTruncation(error);
    return session.refuse(
      truncated ? BundleErrorCode.Truncated : BundleErrorCode.Corrupt,
      `zip is ${truncated ? 'truncated' : 'corrupt'}: deflate data ${truncated ? 'ends early' : 'is invalid'} (${reason})${where}`,
      details,
      error,
    );
  }
  const truncated = TRUNCATION.test(reason);
  return session.refuse(
    truncated ? BundleErrorCode.Truncated : BundleErrorCode.Corrupt,
    `zip is ${truncated ? 'truncated or corrupt' : 'corrupt'}: ${reason}${where}`,
    details,
    error,
  );
}

function unsafeName(session: UnpackSession, name: string, cause: unknown): BundleError {
  try {
    session.normalise(name);
  } catch (error) {
    if (error instanceof BundleError) return error;
  }
  // Safe once read as a path, but zip names must use "/" and yauzl was told to be strict.
  return session.refuse(
    BundleErrorCode.InvalidPath,
    `entry ${quoteEntryName(name)} has a backslash in its name, which zip does not allow`,
    { path: name },
    cause,
  );
}
