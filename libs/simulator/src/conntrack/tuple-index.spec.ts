import { describe, expect, it } from 'vitest';
import { TupleIndex } from './tuple-index.js';

describe('TupleIndex', () => {
  const a = { protocol: 6, src: '10.0.0.1', srcPort: 1, dst: '10.0.0.2', dstPort: 80 };
  const sameAddressesOtherPort = { ...a, srcPort: 2 };
  const udp = { ...a, protocol: 17 };

  it('keys on all five fields', () => {
    const index = new TupleIndex<string>();
    index.set(a, 'a');
    index.set(sameAddressesOtherPort, 'b');
    expect(index.getTuple(a)).toBe('a');
    expect(index.get(6, '10.0.0.1', 2, '10.0.0.2', 80)).toBe('b');
    expect(index.getTuple(udp)).toBeUndefined();
    expect(index.get(6, '10.0.0.2', 80, '10.0.0.1', 1)).toBeUndefined();
  });

  it('deletes only the value it is asked to', () => {
    const index = new TupleIndex<string>();
    index.set(a, 'new owner');
    index.delete(a, 'old owner');
    expect(index.getTuple(a)).toBe('new owner');
    index.delete(a, 'new owner');
    expect(index.getTuple(a)).toBeUndefined();
  });

  it('keeps every port pair apart, high ports included', () => {
    const index = new TupleIndex<string>();
    const pairs: [number, number][] = [
      [65535, 1],
      [1, 65535],
      [32768, 0],
      [0, 32768],
      [65535, 65535],
      [0, 0],
      [40000, 80],
      [80, 40000],
    ];
    for (const [srcPort, dstPort] of pairs)
      index.set({ ...a, srcPort, dstPort }, `${srcPort}>${dstPort}`);
    for (const [srcPort, dstPort] of pairs)
      expect(index.get(6, a.src, srcPort, a.dst, dstPort)).toBe(`${srcPort}>${dstPort}`);
    index.delete({ ...a, srcPort: 65535, dstPort: 1 }, '65535>1');
    expect(index.get(6, a.src, 65535, a.dst, 1)).toBeUndefined();
    expect(index.get(6, a.src, 1, a.dst, 65535)).toBe('1>65535');
  });
});
