import { createCipheriv, type Cipher } from 'node:crypto';
import { deriveKey } from './redaction-keys.js';
import {
  IPV4_BLOCKS,
  IPV6_BLOCKS,
  bitIsFixed,
  blockOf,
  type AddressBlock,
} from './special-addresses.js';

/**
 * Prefix-preserving pseudonymisation of IPv4 and IPv6 addresses (the Crypto-PAn
 * construction): output bit i is input bit i XOR a keyed function of the input's first i
 * bits, so two addresses that share their first n bits share the first n bits of their
 * pseudonyms and no more: subnets stay subnets, a /24 stays one /24, and the mapping is a
 * bijection (no two addresses collide). Special blocks (special-addresses.ts) keep their
 * meaning.
 *
 * The keyed function is the top bit of AES-256 over the prefix padded with secret bits, as
 * in Crypto-PAn; the AES keys and the pad are HMAC-SHA256 subkeys of the secret. All the
 * prefixes of one address go through the cipher in a single call (32 or 128 blocks), which
 * costs a few microseconds, where one HMAC per bit would cost a third of a millisecond per
 * IPv6 address. Results are cached: an address is worked out once per run.
 */
export class AddressPseudonymiser {
  private readonly v4Cipher: Cipher;
  private readonly v6Cipher: Cipher;
  private readonly pad: Uint8Array;
  private readonly v4Cache = new Map<number, number>();
  private readonly v6Cache = new Map<string, Uint8Array>();
  private readonly v4Blocks = new Uint8Array(32 * 16);
  private readonly v6Blocks = new Uint8Array(128 * 16);
  private changedV4 = 0;
  private changedV6 = 0;

  constructor(secret: Uint8Array) {
    this.v4Cipher = ecb(deriveKey(secret, 'ipv4'));
    this.v6Cipher = ecb(deriveKey(secret, 'ipv6'));
    this.pad = deriveKey(secret, 'ip-pad').subarray(0, 16);
  }

  /** The pseudonym of an IPv4 address held as an unsigned 32-bit number. */
  mapV4(address: number): number {
    const cached = this.v4Cache.get(address);
    if (cached !== undefined) return cached;
    const bytes = new Uint8Array([
      address >>> 24,
      (address >>> 16) & 255,
      (address >>> 8) & 255,
      address & 255,
    ]);
    const out = this.permute(bytes, IPV4_BLOCKS, this.v4Cipher, this.v4Blocks);
    const mapped = ((out[0]! << 24) | (out[1]! << 16) | (out[2]! << 8) | out[3]!) >>> 0;
    this.v4Cache.set(address, mapped);
    if (mapped !== address) this.changedV4 += 1;
    return mapped;
  }

  /** The pseudonym of a 16-byte IPv6 address; the result is shared: copy it, never change it. */
  mapV6(bytes: Uint8Array): Uint8Array {
    const key = v6Key(bytes);
    const cached = this.v6Cache.get(key);
    if (cached !== undefined) return cached;
    const input = Uint8Array.from(bytes.subarray(0, 16));
    const block = blockOf(input, IPV6_BLOCKS);
    let out: Uint8Array;
    if (block?.treatment === 'embedded-v4') {
      out = Uint8Array.from(input);
      const v4 = ((input[12]! << 24) | (input[13]! << 16) | (input[14]! << 8) | input[15]!) >>> 0;
      const mapped = this.mapV4(v4);
      out[12] = mapped >>> 24;
      out[13] = (mapped >>> 16) & 255;
      out[14] = (mapped >>> 8) & 255;
      out[15] = mapped & 255;
    } else {
      out = this.permute(input, IPV6_BLOCKS, this.v6Cipher, this.v6Blocks);
    }
    this.v6Cache.set(key, out);
    if (v6Key(out) !== key) this.changedV6 += 1;
    return out;
  }

  /** Distinct addresses replaced so far (special addresses, kept as they are, not counted). */
  get distinctV4(): number {
    return this.changedV4;
  }
  get distinctV6(): number {
    return this.changedV6;
  }

  /** Every mapping made so far (for the data owner's --mapping-out only). */
  *mappings(): Generator<{ version: 4 | 6; from: Uint8Array; to: Uint8Array }> {
    for (const [from, to] of this.v4Cache)
      if (from !== to) yield { version: 4, from: v4Bytes(from), to: v4Bytes(to) };
    for (const [from, to] of this.v6Cache)
      if (v6Key(to) !== from) yield { version: 6, from: v6FromKey(from), to };
  }

  private permute(
    input: Uint8Array,
    blocks: readonly AddressBlock[],
    cipher: Cipher,
    scratch: Uint8Array,
  ): Uint8Array {
    const bits = input.length * 8;
    const block = blockOf(input, blocks);
    if (block?.treatment === 'keep') return Uint8Array.from(input);
    // Block i holds the input's first i bits, then the secret pad's remaining bits.
    for (let i = 0; i < bits; i++) {
      const base = i * 16;
      scratch.set(this.pad, base);
      const whole = i >> 3;
      for (let j = 0; j < whole; j++) scratch[base + j] = input[j]!;
      const rest = i & 7;
      if (rest !== 0) {
        const mask = (0xff << (8 - rest)) & 0xff;
        scratch[base + whole] = (input[whole]! & mask) | (this.pad[whole]! & ~mask & 0xff);
      }
    }
    const prf = cipher.update(scratch);
    const out = Uint8Array.from(input);
    for (let i = 0; i < bits; i++) {
      if (((prf[i * 16]! >> 7) & 1) === 0 || bitIsFixed(input, i, blocks)) continue;
      out[i >> 3] = out[i >> 3]! ^ (0x80 >> (i & 7));
    }
    return out;
  }
}

function ecb(key: Buffer): Cipher {
  const cipher = createCipheriv('aes-256-ecb', key, null);
  cipher.setAutoPadding(false);
  return cipher;
}

function v6Key(bytes: Uint8Array): string {
  let key = '';
  for (let i = 0; i < 16; i++) key += String.fromCharCode(bytes[i]!);
  return key;
}

function v6FromKey(key: string): Uint8Array {
  return Uint8Array.from(key, (c) => c.charCodeAt(0));
}

function v4Bytes(address: number): Uint8Array {
  return new Uint8Array([
    address >>> 24,
    (address >>> 16) & 255,
    (address >>> 8) & 255,
    address & 255,
  ]);
}
