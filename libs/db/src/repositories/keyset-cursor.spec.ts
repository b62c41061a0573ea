import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';

describe('keyset cursor', () => {
  it('should round-trip a position', () => {
    const position = {
      at: new Date('2026-11-21T10:00:00.123Z'),
      id: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b',
    };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('should refuse a cursor it did not issue', () => {
    expect(() => decodeCursor('bm90LWEtY3Vyc29y')).toThrow(/not one this API issued/);
    expect(() => decodeCursor('')).toThrow(/not one this API issued/);
  });
});
