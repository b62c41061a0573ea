import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatIpv6, scanIpv4, scanIpv6 } from './ip-literal.js';

const styles = fc.record({
  upper: fc.boolean(),
  expanded: fc.boolean(),
  v4Tail: fc.constant(false),
});

describe('IP literals in text', () => {
  it('reads back every IPv6 address it prints, in every style', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), styles, (bytes, style) => {
        const text = formatIpv6(bytes, style);
        const literal = scanIpv6(` ${text} `, 1, text.length + 2);
        expect(literal?.end).toBe(text.length + 1);
        expect(Array.from(literal!.bytes)).toEqual(Array.from(bytes));
        expect(formatIpv6(literal!.bytes, literal!)).toBe(text);
      }),
    );
  });

  it('reads back every IPv4 address it prints', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (value) => {
        const text = formatIpv4(value);
        expect(scanIpv4(`${text}:80`, 0, text.length + 3)).toEqual({ end: text.length, value });
      }),
    );
  });

  it('stops where an address ends, and refuses what only looks like one', () => {
    const line = 'fd77::1:35654';
    expect(scanIpv6(line, 0, line.length)?.end).toBe(7);
    expect(scanIpv6('::ffff:10.0.0.1]', 0, 16)).toMatchObject({ end: 15, v4Tail: true });
    expect(scanIpv6(':::22', 0, 5)?.end).toBe(2);
    for (const text of ['10:15:02.866418Z', 'aa:bb:cc:dd:ee:ff', 'cafe:babe', 'Envoy::Http'])
      expect(scanIpv6(text, 0, text.length)).toBeUndefined();
    for (const text of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.4a', '6.1.112-1'])
      expect(scanIpv4(text, 0, text.length)).toBeUndefined();
    expect(
      formatIpv6(scanIpv6('::ffff:10.0.0.1', 0, 15)!.bytes, {
        upper: false,
        expanded: false,
        v4Tail: true,
      }),
    ).toBe('::ffff:10.0.0.1');
  });
});
