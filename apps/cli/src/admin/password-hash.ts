import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';

/**
 * The API's stored password form, `scrypt$N$r$p$salt$hash` (apps/api password-hasher): the
 * CLI writes users straight into the database, so it must produce what sign-in verifies.
 */
export const PASSWORD_PARAMS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;

export function scryptKey(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number; keyLength: number },
): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 128 * params.N * params.r * 2,
  };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, params.keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptKey(password, salt, PASSWORD_PARAMS);
  const { N, r, p } = PASSWORD_PARAMS;
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}
