import { describe, expect, it } from 'vitest';
import { ByteRanges } from './byte-ranges.js';

describe(ByteRanges.name, () => {
  it('should accept adjacent ranges in any order and report the first overlap', () => {
    const ranges = new ByteRanges();
    expect(ranges.claim(100, 200, 'b')).toBeUndefined();
    expect(ranges.claim(0, 100, 'a')).toBeUndefined();
    expect(ranges.claim(200, 300, 'c')).toBeUndefined();
    expect(ranges.claim(150, 160, 'inside-b')).toBe('b');
    expect(ranges.claim(250, 400, 'tail-of-c')).toBe('c');
    expect(ranges.claim(0, 10, 'same-start')).toBe('a');
    expect(ranges.claim(300, 310, 'd')).toBeUndefined();
  });
});
