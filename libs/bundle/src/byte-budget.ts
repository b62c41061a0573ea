import { BundleError, BundleErrorCode } from './bundle.error.js';
import { quoteEntryName } from './entry-path.js';
import { RATIO_GRACE_BYTES, type UnpackLimits } from './unpack-limits.js';

/**
 * Byte accounting for one bundle. Every decompressor (outer gzip, zip deflate, nested .gz)
 * reports its input and output, so "expanded" is what the bundle grew to at the innermost
 * layer, drained and skipped members included; the ratio check compares that with the bytes
 * actually read from the bundle file, while streaming, so a bomb stops after a few MiB.
 */
export class ByteBudget {
  private sourceBytes = 0;
  private inflation = 0;
  private delivered = 0;
  /** The member being read, so a limit hit deep inside a decompressor still names it. */
  currentPath: string | undefined;

  constructor(
    private readonly limits: UnpackLimits,
    private readonly bundle: string,
  ) {}

  get bytesRead(): number {
    return this.sourceBytes;
  }

  get deliveredBytes(): number {
    return this.delivered;
  }

  noteSourceBytes(count: number): void {
    this.sourceBytes += count;
  }

  /** Bytes a decompressor consumed (negative) or produced (positive). */
  noteInflation(delta: number): void {
    this.inflation += delta;
    if (delta > 0) this.checkRatio();
  }

  /** Refuses a member up front when its declared size alone breaks a limit. */
  admitDeclaredSize(path: string, size: number): void {
    if (size > this.limits.maxEntryBytes) throw this.entryTooLarge(path);
    if (this.delivered + size > this.limits.maxTotalBytes) throw this.totalTooLarge(path);
  }

  /** Counts one entry's uncompressed bytes as they are handed out; throws past a limit. */
  meterEntry(path: string): (count: number) => void {
    let entryBytes = 0;
    return (count) => {
      entryBytes += count;
      if (entryBytes > this.limits.maxEntryBytes) throw this.entryTooLarge(path);
      this.delivered += count;
      if (this.delivered > this.limits.maxTotalBytes) throw this.totalTooLarge(path);
    };
  }

  private checkRatio(): void {
    const expanded = this.sourceBytes + this.inflation;
    if (expanded <= RATIO_GRACE_BYTES) return;
    const ratio = expanded / Math.max(this.sourceBytes, 1);
    if (ratio <= this.limits.maxCompressionRatio) return;
    const where =
      this.currentPath === undefined
        ? ''
        : ` while reading entry ${quoteEntryName(this.currentPath)}`;
    throw new BundleError(
      BundleErrorCode.CompressionRatio,
      `compression ratio exceeds ${this.limits.maxCompressionRatio}:1 (archive bomb): ` +
        `${this.sourceBytes} bytes read expanded to ${expanded}${where}`,
      this.details(this.currentPath, {
        ratio: Math.round(ratio),
        limit: this.limits.maxCompressionRatio,
      }),
    );
  }

  private entryTooLarge(path: string): BundleError {
    return new BundleError(
      BundleErrorCode.EntryTooLarge,
      `entry ${quoteEntryName(path)} is larger than the limit of ${this.limits.maxEntryBytes} bytes`,
      this.details(path, { limit: this.limits.maxEntryBytes }),
    );
  }

  private totalTooLarge(path: string): BundleError {
    return new BundleError(
      BundleErrorCode.TotalTooLarge,
      `bundle expands to more than the limit of ${this.limits.maxTotalBytes} bytes ` +
        `(reached at entry ${quoteEntryName(path)})`,
      this.details(path, { limit: this.limits.maxTotalBytes }),
    );
  }

  private details(path: string | undefined, extra: Record<string, unknown>) {
    return path === undefined
      ? { bundle: this.bundle, ...extra }
      : { bundle: this.bundle, path, ...extra };
  }
}
