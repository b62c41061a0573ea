import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressPseudonymiser } from './address-pseudonymiser.js';

const KEY_A = new Uint8Array(32).fill(1);
const KEY_B = new Uint8Array(32).fill(2);
const keyArb = fc.uint8Array({ minLength: 16, maxLength: 48 });
const v4Arb = fc.integer({ min: 0, max: 0xffffffff });
const v6Arb = fc.uint8Array({ minLength: 16, maxLength: 16 });

function commonPrefix(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length * 8; i++) {
    const mask = 0x80 >> (i & 7);
    if ((a[i >> 3]! & mask) !== (b[i >> 3]! & mask)) return i;
  }
  return a.length * 8;
}

function v4Bytes(value: number): Uint8Array {
  return new Uint8Array([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
}

function v4(text: string): number {
  return text.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function v6(text: string): Uint8Array {
  const [head = '', tail = ''] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = groups(tail);
  const words = text.includes('::')
    ? [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
    : left;
  return Uint8Array.from(words.flatMap((w) => [w >> 8, w & 255]));
}

describe('AddressPseudonymiser', () => {
  it('is deterministic for a key, and different keys give different pseudonyms', () => {
    fc.assert(
      fc.property(keyArb, v4Arb, v6Arb, (key, a, b) => {
        const one = new AddressPseudonymiser(key);
        const two = new AddressPseudonymiser(Uint8Array.from(key));
        expect(one.mapV4(a)).toBe(two.mapV4(a));
        expect(one.mapV6(b)).toEqual(two.mapV6(b));
      }),
    );
    const a = new AddressPseudonymiser(KEY_A);
    const b = new AddressPseudonymiser(KEY_B);
    const sample = Array.from({ length: 200 }, (_, i) => v4(`10.${i}.3.4`));
    const differing = sample.filter((x) => a.mapV4(x) !== b.mapV4(x));
    expect(differing.length).toBeGreaterThan(190);
  });

  it('preserves exactly the common prefix of two IPv4 addresses (so it never collides)', () => {
    const p = new AddressPseudonymiser(KEY_A);
    fc.assert(
      fc.property(v4Arb, v4Arb, (a, b) => {
        const shared = commonPrefix(v4Bytes(a), v4Bytes(b));
        expect(commonPrefix(v4Bytes(p.mapV4(a)), v4Bytes(p.mapV4(b)))).toBe(shared);
      }),
      { numRuns: 2000 },
    );
  });

  it('preserves exactly the common prefix of two IPv6 addresses, also for close neighbours', () => {
    const p = new AddressPseudonymiser(KEY_A);
    const neighbours = fc.tuple(v6Arb, fc.integer({ min: 0, max: 127 })).map(([a, bit]) => {
      const b = Uint8Array.from(a);
      b[bit >> 3] = b[bit >> 3]! ^ (0x80 >> (bit & 7));
      return [a, b] as const;
    });
    fc.assert(
      fc.property(fc.oneof(fc.tuple(v6Arb, v6Arb), neighbours), ([a, b]) => {
        const shared = commonPrefix(a, b);
        expect(commonPrefix(p.mapV6(a), p.mapV6(b))).toBe(shared);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps two addresses of one /24 in one /24, and a subnet a subnet', () => {
    const p = new AddressPseudonymiser(KEY_A);
    const a = p.mapV4(v4('10.244.1.5'));
    const b = p.mapV4(v4('10.244.1.17'));
    const c = p.mapV4(v4('10.244.2.9'));
    expect(a >>> 8).toBe(b >>> 8);
    expect(a >>> 8).not.toBe(c >>> 8);
    expect(a >>> 16).toBe(c >>> 16);
  });

  it('leaves special addresses as they are', () => {
    const p = new AddressPseudonymiser(KEY_A);
    for (const text of [
      '0.0.0.0',
      '127.0.0.1',
      '127.1.2.3',
      '255.255.255.255',
      '224.0.0.251',
      '239.1.2.3',
      '169.254.169.254',
      '255.255.255.0',
    ])
      expect(p.mapV4(v4(text))).toBe(v4(text));
    for (const text of ['::', '::1', 'ff02::1', 'ff02::1:ff00:1'])
      expect(p.mapV6(v6(text))).toEqual(v6(text));
  });

  it('keeps private, link-local and ULA prefixes, and maps IPv4-mapped IPv6 like the IPv4 address', () => {
    const p = new AddressPseudonymiser(KEY_A);
    fc.assert(
      fc.property(v4Arb, (x) => {
        const ten = (x & 0x00ffffff) | 0x0a000000;
        expect(p.mapV4(ten >>> 0) >>> 24).toBe(10);
        const rfc = ((x & 0x000fffff) | 0xac100000) >>> 0;
        expect(p.mapV4(rfc) >>> 20).toBe(0xac1);
        const mapped = new Uint8Array(16);
        mapped[10] = 0xff;
        mapped[11] = 0xff;
        mapped.set(v4Bytes(x), 12);
        const out = p.mapV6(mapped);
        expect(Array.from(out.subarray(0, 12))).toEqual(Array.from(mapped.subarray(0, 12)));
        expect(Array.from(out.subarray(12))).toEqual(Array.from(v4Bytes(p.mapV4(x))));
      }),
      { numRuns: 300 },
    );
    expect(p.mapV6(v6('fd77::1'))[0]).toBe(0xfd);
    const linkLocal = p.mapV6(v6('fe80::5400:40ff:febe:d8a5'));
    expect(Array.from(linkLocal.subarray(0, 8))).toEqual(Array.from(v6('fe80::').subarray(0, 8)));
    expect(Array.from(linkLocal.subarray(8))).not.toEqual(
      Array.from(v6('fe80::5400:40ff:febe:d8a5').subarray(8)),
    );
  });

  it('is a bijection: a whole /16 maps onto 65536 distinct addresses of one /16', () => {
    const p = new AddressPseudonymiser(KEY_A);
    const seen = new Set<number>();
    for (let host = 0; host < 65536; host++) seen.add(p.mapV4(v4('100.70.0.0') + host));
    expect(seen.size).toBe(65536);
    expect(new Set([...seen].map((x) => x >>> 16)).size).toBe(1);
  });
});
