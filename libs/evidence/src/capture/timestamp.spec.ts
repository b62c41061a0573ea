import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacketView } from './packet-view.js';
import { TimestampScale } from './timestamp.js';

/** The exact answer, with BigInt: whole microseconds and the nanoseconds below. */
function reference(tsresol: number, high: number, low: number, offset: number): [number, number] {
  const units = (BigInt(high) << 32n) | BigInt(low);
  const exponent = BigInt(tsresol & 0x7f);
  const perSecond = (tsresol & 0x80) !== 0 ? 1n << exponent : 10n ** exponent;
  const ns = (units * 1_000_000_000n) / perSecond;
  return [Number(ns / 1000n) + offset * 1_000_000, Number(ns % 1000n)];
}

describe(TimestampScale.name, () => {
  it('should convert every decimal and binary resolution exactly', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0x80, max: 0x80 + 40 })),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        fc.integer({ min: -100_000, max: 100_000 }),
        (tsresol, low, highSeed, offset) => {
          // Keep the result in the range of real capture times (below 2^53 microseconds).
          const limit = reference(tsresol, 0, 0xffffffff, 0)[0] + 1;
          const high = Math.floor(highSeed % Math.max(1, Math.floor(2 ** 52 / Math.max(1, limit))));
          const view = new PacketView();
          new TimestampScale(tsresol, offset).apply(view, high, low);
          const [us, sub] = reference(tsresol, high, low, offset);
          expect([view.timeUs, view.timeSubUsNs]).toEqual([us, sub]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('should name the resolution for summaries', () => {
    expect(new TimestampScale().label).toBe('us');
    expect(new TimestampScale(9).label).toBe('ns');
    expect(new TimestampScale(3).label).toBe('1e-3 s');
    expect(new TimestampScale(0x94).label).toBe('2^-20 s');
  });
});
