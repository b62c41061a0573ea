import { ByteBudget } from './byte-budget.js';
import { BundleError, BundleErrorCode, type BundleErrorDetails } from './bundle.error.js';
import type {
  BundleFormat,
  BundleSource,
  EntryHandler,
  SkippedMember,
  UnpackSummary,
} from './bundle-types.js';
import { normaliseEntryPath, quoteEntryName } from './entry-path.js';
import { FailureLatch } from './failure-latch.js';
import { UniquePaths } from './unique-paths.js';
import type { UnpackLimits } from './unpack-limits.js';

/** Everything one unpackBundle call shares between its format readers. */
export class UnpackSession {
  readonly budget: ByteBudget;
  readonly paths = new UniquePaths();
  readonly failures = new FailureLatch();
  private readonly skipped: SkippedMember[] = [];
  private members = 0;
  private delivered = 0;

  constructor(
    readonly source: BundleSource,
    readonly limits: UnpackLimits,
    readonly onEntry: EntryHandler,
  ) {
    this.budget = new ByteBudget(limits, source.originalName);
  }

  get bundle(): string {
    return this.source.originalName;
  }

  /** Every listed member counts, so a million empty directories is refused too. */
  countMember(rawPath: string): void {
    this.members += 1;
    if (this.members > this.limits.maxEntries) {
      throw this.refuse(
        BundleErrorCode.TooManyEntries,
        `bundle has more than ${this.limits.maxEntries} entries (refused at ${quoteEntryName(rawPath)})`,
        { path: rawPath, limit: this.limits.maxEntries },
      );
    }
  }

  normalise(rawPath: string): string {
    return normaliseEntryPath(rawPath, this.bundle, this.limits.maxPathDepth);
  }

  skip(path: string, reason: string): void {
    this.skipped.push({ path, reason });
  }

  entryDelivered(): void {
    this.delivered += 1;
  }

  refuse(
    code: BundleErrorCode,
    message: string,
    details: Omit<BundleErrorDetails, 'bundle'> = {},
    cause?: unknown,
  ): BundleError {
    return new BundleError(
      code,
      message,
      { bundle: this.bundle, ...details },
      cause === undefined ? undefined : { cause },
    );
  }

  /**
   * Records a failure and returns what the caller must throw: the first failure of this
   * unpack if there was one, else `error` itself when it already is a BundleError, else its
   * translation. Library errors (zlib, tar-stream, yauzl) therefore never reach the caller.
   */
  fail(error: unknown, translate: (error: unknown) => BundleError): unknown {
    if (this.failures.failed) return this.failures.error;
    return this.failures.record(error instanceof BundleError ? error : translate(error));
  }

  summary(format: BundleFormat): UnpackSummary {
    return {
      format,
      entries: this.delivered,
      totalBytes: this.budget.deliveredBytes,
      skipped: [...this.skipped],
    };
  }
}
