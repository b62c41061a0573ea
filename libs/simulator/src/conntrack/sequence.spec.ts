import { describe, expect, it } from 'vitest';
import { seqAdd, seqAfter, seqBefore, seqSub } from './sequence.js';

describe('sequence arithmetic', () => {
  it('wraps at 2^32', () => {
    expect(seqAdd(0xffff_fff0, 0x20)).toBe(0x10);
    expect(seqSub(0x10, 0x20)).toBe(0xffff_fff0);
  });

  it('orders across the wrap', () => {
    expect(seqBefore(0xffff_fff0, 0x10)).toBe(true);
    expect(seqAfter(0x10, 0xffff_fff0)).toBe(true);
    expect(seqBefore(5, 5)).toBe(false);
    expect(seqAfter(5, 5)).toBe(false);
    expect(seqBefore(100, 200)).toBe(true);
  });
});
