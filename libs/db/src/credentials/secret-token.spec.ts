import { describe, expect, it } from 'vitest';
import { hashSecret, newSecret, sameSecretHash, secretPrefix } from './secret-token.js';

describe('secret tokens', () => {
  it('should mint distinct prefixed secrets with 256 bits of randomness', () => {
    const a = newSecret('nmt');
    expect(a).toMatch(/^nmt_[A-Za-z0-9_-]{43}$/);
    expect(newSecret('nmt')).not.toBe(a);
    expect(secretPrefix(a)).toBe(a.slice(0, 12));
  });

  it('should store only a SHA-256 and compare hashes in constant time', () => {
    const secret = newSecret('nmt');
    const hash = hashSecret(secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(secret.slice(4));
    expect(sameSecretHash(hash, hashSecret(secret))).toBe(true);
    expect(sameSecretHash(hash, hashSecret(`${secret}x`))).toBe(false);
  });
});
