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

  it('stays exact through growth and many deletions (the table is rebuilt under load)', () => {
    const index = new TupleIndex<number>();
    const tuple = (i: number) => ({
      protocol: i % 3 === 0 ? 17 : 6,
      src: `10.0.${(i >> 8) & 255}.${i & 255}`,
      srcPort: 1024 + (i % 50_000),
      dst: `10.96.0.${i % 40}`,
      dstPort: 80,
    });
    const live = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      index.set(tuple(i), i);
      live.set(i, i);
      // Delete most of what came before, so deleted slots pile up between rebuilds.
      if (i >= 100 && i % 4 !== 0) {
        index.delete(tuple(i - 100), i - 100);
        live.delete(i - 100);
      }
    }
    expect(index.size).toBe(live.size);
    for (let i = 0; i < 20_000; i++)
      expect(index.getTuple(tuple(i))).toBe(live.has(i) ? i : undefined);
    index.set(tuple(4), -4);
    expect(index.getTuple(tuple(4))).toBe(-4);
    expect(index.size).toBe(live.size);
  });

  it('gives back the tag stored with the value found', () => {
    const index = new TupleIndex<string>();
    const reply = { ...a, src: a.dst, dst: a.src, srcPort: a.dstPort, dstPort: a.srcPort };
    index.set(a, 'entry', 0);
    index.set(reply, 'entry', 1);
    expect(index.getTuple(reply)).toBe('entry');
    expect(index.foundTag).toBe(1);
    expect(index.getTuple(a)).toBe('entry');
    expect(index.foundTag).toBe(0);
  });
});
