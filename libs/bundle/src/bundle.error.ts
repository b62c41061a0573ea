import { BadInputError, type Locator } from '@netmortem/domain';

/** Stable, machine-readable reasons a bundle is refused. */
export const BundleErrorCode = {
  PathTraversal: 'BUNDLE_PATH_TRAVERSAL',
  AbsolutePath: 'BUNDLE_ABSOLUTE_PATH',
  InvalidPath: 'BUNDLE_INVALID_PATH',
  PathTooDeep: 'BUNDLE_PATH_TOO_DEEP',
  LinkEntry: 'BUNDLE_LINK_ENTRY',
  SpecialEntry: 'BUNDLE_SPECIAL_ENTRY',
  EncryptedEntry: 'BUNDLE_ENCRYPTED_ENTRY',
  TooManyEntries: 'BUNDLE_TOO_MANY_ENTRIES',
  EntryTooLarge: 'BUNDLE_ENTRY_TOO_LARGE',
  TotalTooLarge: 'BUNDLE_TOTAL_TOO_LARGE',
  CompressionRatio: 'BUNDLE_COMPRESSION_RATIO',
  OverlappingEntries: 'BUNDLE_OVERLAPPING_ENTRIES',
  Truncated: 'BUNDLE_TRUNCATED',
  Corrupt: 'BUNDLE_CORRUPT',
  Unreadable: 'BUNDLE_UNREADABLE',
} as const;
export type BundleErrorCode = (typeof BundleErrorCode)[keyof typeof BundleErrorCode];

/** What a person needs to find the problem: the upload's name, the member and where. */
export interface BundleErrorDetails {
  readonly bundle: string;
  readonly path?: string;
  /** Offset in the bundle file as uploaded; only set when it is a real file position. */
  readonly byteOffset?: number;
  readonly [key: string]: unknown;
}

/**
 * The bundle itself is unusable (unsafe, over a limit, truncated or corrupt); retrying
 * cannot help. Messages start with the bundle's original name, e.g.
 * `bundle.tgz: entry "../../etc/passwd" escapes the bundle (path traversal)`.
 */
export class BundleError extends BadInputError {
  declare readonly code: BundleErrorCode;

  constructor(
    code: BundleErrorCode,
    message: string,
    readonly details: BundleErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(code, message, locatorOf(details), details, options);
  }
}

export function isBundleError(error: unknown): error is BundleError {
  return error instanceof BundleError;
}

function locatorOf(details: BundleErrorDetails): Locator {
  return details.byteOffset === undefined
    ? { artifact: details.bundle }
    : { artifact: details.bundle, byteOffset: details.byteOffset };
}
