import { describe, expect, it } from 'vitest';
import { seqAdd, seqAfter, seqBefore, seqBetween, seqDiff } from './tcp-sequence.js';

describe('sequence arithmetic', () => {
  it('wraps past 2^32', () => {
    expect(seqAdd(0xffff_fff0, 0x20)).toBe(0x10);
    expect(seqAdd(5, -10)).toBe(0xffff_fffb);
  });

  it('orders numbers across the wrap point', () => {
    expect(seqBefore(0xffff_fff0, 0x10)).toBe(true);
    expect(seqAfter(0x10, 0xffff_fff0)).toBe(true);
    expect(seqDiff(0x10, 0xffff_fff0)).toBe(0x20);
    expect(seqBefore(7, 7)).toBe(false);
  });

  it('treats more than half the circle ahead as behind', () => {
    expect(seqAfter(0x8000_0001, 0)).toBe(false);
    expect(seqBefore(0x8000_0001, 0)).toBe(true);
  });

  it('checks ranges that straddle zero', () => {
    expect(seqBetween(3, 0xffff_fff0, 0x10)).toBe(true);
    expect(seqBetween(0x20, 0xffff_fff0, 0x10)).toBe(false);
  });
});
