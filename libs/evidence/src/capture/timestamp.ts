import type { PacketView } from './packet-view.js';

const TWO_32 = 4294967296;

/**
 * Converts a pcapng 64-bit timestamp (two 32-bit halves, in units of if_tsresol) into whole
 * microseconds plus the nanoseconds below, exactly, without BigInt on the common paths: the
 * epoch in nanoseconds (~1.8e18) does not fit a double, so the division is split across the
 * two halves. Resolutions nobody writes (finer than 1e-12 s or 2^-32 s) take a BigInt path.
 */
export class TimestampScale {
  private readonly binary: boolean;
  private readonly exponent: number;
  /** Decimal: microseconds per unit (exponent <= 6) or units per microsecond (6 < e <= 12). */
  private readonly factor: number;
  private readonly quotient: number;
  private readonly remainder: number;
  private readonly offsetUs: number;

  /** `tsresol` as in the if_tsresol option (default 6 = microseconds); offset in seconds. */
  constructor(tsresol = 6, offsetSeconds = 0) {
    this.binary = (tsresol & 0x80) !== 0;
    this.exponent = tsresol & 0x7f;
    this.offsetUs = offsetSeconds * 1_000_000;
    if (!this.binary && this.exponent <= 6) {
      this.factor = 10 ** (6 - this.exponent);
    } else if (!this.binary && this.exponent <= 12) {
      this.factor = 10 ** (this.exponent - 6);
    } else {
      this.factor = 0;
    }
    this.quotient = this.factor === 0 ? 0 : Math.floor(TWO_32 / this.factor);
    this.remainder = TWO_32 - this.quotient * this.factor;
  }

  /** A short description for summaries: `us`, `ns`, `1e-4 s`, `2^-20 s`. */
  get label(): string {
    if (this.binary) return `2^-${this.exponent} s`;
    if (this.exponent === 6) return 'us';
    if (this.exponent === 9) return 'ns';
    return `1e-${this.exponent} s`;
  }

  /** The timestamp stored as two 32-bit halves at `at` (high first) in `b`. */
  applyAt(view: PacketView, b: Uint8Array, at: number, littleEndian: boolean): void {
    // Read here rather than passed in: 32-bit arguments would be boxed on every packet.
    const high = littleEndian
      ? ((b[at] as number) |
          ((b[at + 1] as number) << 8) |
          ((b[at + 2] as number) << 16) |
          ((b[at + 3] as number) << 24)) >>>
        0
      : (((b[at] as number) << 24) |
          ((b[at + 1] as number) << 16) |
          ((b[at + 2] as number) << 8) |
          (b[at + 3] as number)) >>>
        0;
    const low = littleEndian
      ? ((b[at + 4] as number) |
          ((b[at + 4 + 1] as number) << 8) |
          ((b[at + 4 + 2] as number) << 16) |
          ((b[at + 4 + 3] as number) << 24)) >>>
        0
      : (((b[at + 4] as number) << 24) |
          ((b[at + 4 + 1] as number) << 16) |
          ((b[at + 4 + 2] as number) << 8) |
          (b[at + 4 + 3] as number)) >>>
        0;
    this.apply(view, high, low);
  }

  apply(view: PacketView, high: number, low: number): void {
    if (!this.binary && this.exponent <= 6) {
      view.timeUs = (high * TWO_32 + low) * this.factor + this.offsetUs;
      view.timeSubUsNs = 0;
    } else if (!this.binary && this.exponent <= 12) {
      const d = this.factor;
      const t = high * this.remainder + low;
      const rest = t % d;
      view.timeUs = high * this.quotient + (t - rest) / d + this.offsetUs;
      view.timeSubUsNs = Math.floor((rest * 1000) / d);
    } else if (this.binary && this.exponent <= 32) {
      const unit = 2 ** this.exponent;
      const fraction = low % unit;
      const seconds = high * 2 ** (32 - this.exponent) + (low - fraction) / unit;
      const scaled = fraction * 1_000_000;
      const us = Math.floor(scaled / unit);
      view.timeUs = seconds * 1_000_000 + us + this.offsetUs;
      view.timeSubUsNs = Math.floor(((scaled - us * unit) * 1000) / unit);
    } else {
      this.applyExact(view, high, low);
    }
  }

  private applyExact(view: PacketView, high: number, low: number): void {
    const units = (BigInt(high) << 32n) | BigInt(low);
    const perSecond = this.binary ? 1n << BigInt(this.exponent) : 10n ** BigInt(this.exponent);
    const ns = (units * 1_000_000_000n) / perSecond;
    view.timeUs = Number(ns / 1000n) + this.offsetUs;
    view.timeSubUsNs = Number(ns % 1000n);
  }
}
