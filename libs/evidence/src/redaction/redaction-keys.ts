import { createHmac } from 'node:crypto';

/** Below this, a key could be guessed; the CLI draws 32 random bytes. */
export const MIN_SECRET_BYTES = 16;

/**
 * One independent subkey per use (addresses, ports, names…) from the caller's secret, so
 * learning one mapping (say, a port someone recognises) says nothing about the others.
 */
export function deriveKey(secret: Uint8Array, purpose: string): Buffer {
  if (secret.length < MIN_SECRET_BYTES)
    throw new Error(`the redaction key needs at least ${MIN_SECRET_BYTES} bytes`);
  return createHmac('sha256', secret).update(`netmortem-redact/${purpose}`).digest();
}

/**
 * A public fingerprint of the key: two redacted bundles with the same fingerprint share
 * pseudonyms. One-way; says nothing about the key or the mappings.
 */
export function keyFingerprint(secret: Uint8Array): string {
  return deriveKey(secret, 'fingerprint').toString('hex').slice(0, 16);
}
