import { createHmac } from 'node:crypto';
import { deriveKey } from './redaction-keys.js';

/**
 * MAC addresses (Ethernet and cooked-capture headers, netfilter `MAC=`, `ip link`): the
 * vendor prefix of a universally administered address stays (it says "a cloud NIC", not
 * whose), the device part is replaced by keyed bytes; a locally administered (random, veth)
 * address keeps only its two flag bits. Broadcast, multicast and all-zero stay.
 */
export class MacPseudonymiser {
  private readonly key: Buffer;
  private readonly cache = new Map<string, Uint8Array>();
  private changed = 0;

  constructor(secret: Uint8Array) {
    this.key = deriveKey(secret, 'mac');
  }

  /** Rewrites the six bytes at `at` in place. */
  rewrite(b: Uint8Array, at: number): void {
    const mac = b.subarray(at, at + 6);
    if (mac.length < 6 || isSpecial(mac)) return;
    const id = String.fromCharCode(...mac);
    let mapped = this.cache.get(id);
    if (mapped === undefined) {
      const digest = createHmac('sha256', this.key).update(mac).digest();
      mapped = Uint8Array.from(mac);
      const local = (mac[0]! & 2) !== 0;
      const from = local ? 0 : 3;
      for (let i = from; i < 6; i++) mapped[i] = digest[i]!;
      if (local) mapped[0] = (digest[0]! & 0xfc) | (mac[0]! & 3);
      this.cache.set(id, mapped);
      this.changed += 1;
    }
    mac.set(mapped);
  }

  get distinct(): number {
    return this.changed;
  }

  *mappings(): Generator<[Uint8Array, Uint8Array]> {
    for (const [from, to] of this.cache) yield [Uint8Array.from(from, (c) => c.charCodeAt(0)), to];
  }
}

function isSpecial(mac: Uint8Array): boolean {
  if ((mac[0]! & 1) !== 0) return true; // group address: broadcast and multicast
  return mac.every((byte) => byte === 0);
}
