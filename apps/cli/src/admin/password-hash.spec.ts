import { describe, expect, it } from 'vitest';
import { PASSWORD_PARAMS, hashPassword, scryptKey } from './password-hash.js';

describe('hashPassword', () => {
  it('writes the scrypt$N$r$p$salt$hash form the API verifies', async () => {
    const stored = await hashPassword('correct horse');
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    const key = await scryptKey('correct horse', Buffer.from(salt!, 'base64url'), PASSWORD_PARAMS);
    expect(key.toString('base64url')).toBe(hash);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });
});
