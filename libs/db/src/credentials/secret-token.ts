import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer secrets (API tokens, session ids): 32 random bytes, shown once, stored only as a
 * SHA-256. A high-entropy secret needs no slow KDF; the hash makes a leaked table useless.
 */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The first characters, kept in clear so a person can tell tokens apart in a list. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, 12);
}

export function sameSecretHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Prefix of every API token, so secret scanners and people can recognise one. */
export const API_TOKEN_PREFIX = 'nmt';
