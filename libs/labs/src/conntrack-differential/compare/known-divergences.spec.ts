import { describe, expect, it } from 'vitest';
import { generateSuite } from '../sequences/generate-suite.js';
import { isKnownDivergence, KNOWN_DIVERGENCES, variantOf } from './known-divergences.js';

describe('known divergences', () => {
  it('names variants by dropping the sequence number', () => {
    expect(variantOf('nat/dnat-reply-tuple-taken-3')).toBe('nat/dnat-reply-tuple-taken');
    expect(variantOf('rst/exact-default-12')).toBe('rst/exact-default');
  });

  it('lists only variants the suite has, each with a reason', () => {
    const variants = new Set(generateSuite().map((s) => variantOf(s.id)));
    for (const known of KNOWN_DIVERGENCES) {
      expect(variants).toContain(known.variant);
      expect(known.reason.length).toBeGreaterThan(40);
    }
    expect(isKnownDivergence('handshake/normal-1')).toBe(false);
  });
});
