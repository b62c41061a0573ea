/** Hard ceilings for one bundle; uploads are untrusted, so every dimension is bounded. */
export interface UnpackLimits {
  /** Members listed by the archive (directories and skipped members included). */
  maxEntries: number;
  /** Uncompressed bytes of one entry, after any nested gzip layer. */
  maxEntryBytes: number;
  /** Uncompressed bytes handed out for the whole bundle. */
  maxTotalBytes: number;
  /** Expanded bytes / bytes read from the bundle file, enforced once RATIO_GRACE_BYTES have expanded. */
  maxCompressionRatio: number;
  /** Path segments of one entry. */
  maxPathDepth: number;
}

const GIB = 1024 ** 3;

export const DEFAULT_UNPACK_LIMITS: Readonly<UnpackLimits> = Object.freeze({
  maxEntries: 10_000,
  maxEntryBytes: 2 * GIB,
  maxTotalBytes: 8 * GIB,
  maxCompressionRatio: 200,
  maxPathDepth: 32,
});

/** Small, highly compressible files (a 900 KiB log of zeros) must not look like bombs. */
export const RATIO_GRACE_BYTES = 1024 * 1024;

export function resolveUnpackLimits(overrides: Partial<UnpackLimits> = {}): UnpackLimits {
  const limits: UnpackLimits = { ...DEFAULT_UNPACK_LIMITS };
  for (const key of Object.keys(DEFAULT_UNPACK_LIMITS) as (keyof UnpackLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    // A NaN or negative limit would silently disable a safety check, so it is a caller bug.
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new RangeError(
        `unpack limit ${key} must be a non-negative number, got ${String(value)}`,
      );
    }
    limits[key] = value;
  }
  return limits;
}

/**
 * Bytes read from disk at a time. Captures run to gigabytes; a megabyte per read keeps the
 * number of stream events (and the time spent between them) low at bounded memory.
 */
export const READ_CHUNK_BYTES = 1024 * 1024;
