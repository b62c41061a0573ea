import { describe, expect, it } from 'vitest';
import { roundConfidence, shareConfidence } from './confidence.js';

describe('shareConfidence', () => {
  it('scales linearly between floor and ceiling with the matching share', () => {
    expect(shareConfidence(0, 10, 0.4, 0.9)).toBe(0);
    expect(shareConfidence(5, 10, 0.4, 0.9)).toBe(0.65);
    expect(shareConfidence(10, 10, 0.4, 0.9)).toBe(0.9);
    expect(shareConfidence(12, 10, 0.4, 0.9)).toBe(0.9);
  });

  it('never leaves 0..1 and rounds to two decimals', () => {
    expect(roundConfidence(1.7)).toBe(1);
    expect(roundConfidence(-1)).toBe(0);
    expect(roundConfidence(0.12345)).toBe(0.12);
  });
});
