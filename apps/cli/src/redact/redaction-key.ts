import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { MIN_SECRET_BYTES } from '@netmortem/evidence';

export interface RedactionKey {
  readonly secret: Uint8Array;
  /** Where it came from: drawn for this run only, read from --key-file, or drawn and saved there. */
  readonly origin: 'random' | 'file' | 'created';
}

const HEX_KEY = /^[0-9a-fA-F]+$/;

/**
 * The secret behind every pseudonym. Without --key-file each run draws its own, so two
 * redactions of the same bundle cannot be lined up. With --key-file, bundles of one incident
 * share pseudonyms: the file is read, or created (0600, 32 random bytes in hex) when absent.
 */
export async function loadRedactionKey(keyFile: string | undefined): Promise<RedactionKey> {
  if (keyFile === undefined) return { secret: randomBytes(32), origin: 'random' };
  const existing = await readFile(keyFile).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new Error(`${keyFile}: cannot read the key file (${error.code ?? error.message})`);
  });
  if (existing === undefined) {
    const secret = randomBytes(32);
    await writeFile(keyFile, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return { secret, origin: 'created' };
  }
  const text = existing.toString('latin1').trim();
  const secret = HEX_KEY.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : existing;
  if (secret.length < MIN_SECRET_BYTES)
    throw new Error(
      `${keyFile}: a key needs at least ${MIN_SECRET_BYTES} bytes (${secret.length} found)`,
    );
  return { secret, origin: 'file' };
}
