/**
 * Address blocks whose meaning the analysis (and a reader) needs more than their secrecy.
 * `keep`: every address in the block is left as it is (loopback, multicast, the any-address,
 * link-local IPv4 such as the metadata server 169.254.169.254). `prefix`: the block's prefix
 * stays, the rest is pseudonymised, so a private address stays private and a ULA stays a ULA.
 * `embedded-v4`: the block carries an IPv4 address in its last 32 bits, which is mapped as
 * that IPv4 address would be, so `::ffff:10.0.0.1` and `10.0.0.1` stay the same host.
 */
export type BlockTreatment = 'keep' | 'prefix' | 'embedded-v4';

export interface AddressBlock {
  /** The network as bytes (4 or 16), host bits zero. */
  readonly network: Uint8Array;
  readonly bits: number;
  readonly treatment: BlockTreatment;
}

function block(text: string, bits: number, treatment: BlockTreatment): AddressBlock {
  return { network: parseBlockAddress(text), bits, treatment };
}

export const IPV4_BLOCKS: readonly AddressBlock[] = [
  block('0.0.0.0', 8, 'keep'),
  block('127.0.0.0', 8, 'keep'),
  block('169.254.0.0', 16, 'keep'),
  block('224.0.0.0', 4, 'keep'),
  // Class E and the limited broadcast; also keeps every contiguous netmask (255.x.x.x).
  block('240.0.0.0', 4, 'keep'),
  block('10.0.0.0', 8, 'prefix'),
  block('172.16.0.0', 12, 'prefix'),
  block('192.168.0.0', 16, 'prefix'),
  block('100.64.0.0', 10, 'prefix'),
  block('192.0.2.0', 24, 'prefix'),
  block('198.51.100.0', 24, 'prefix'),
  block('203.0.113.0', 24, 'prefix'),
];

export const IPV6_BLOCKS: readonly AddressBlock[] = [
  block('::', 128, 'keep'),
  block('::1', 128, 'keep'),
  block('ff00::', 8, 'keep'),
  block('::ffff:0:0', 96, 'embedded-v4'),
  block('64:ff9b::', 96, 'embedded-v4'),
  // Link-local: the interface identifier may be a MAC (EUI-64), so only the /64 stays.
  block('fe80::', 64, 'prefix'),
  block('fc00::', 8, 'prefix'),
  block('fd00::', 8, 'prefix'),
  block('2001:db8::', 32, 'prefix'),
];

function parseBlockAddress(text: string): Uint8Array {
  if (!text.includes(':')) return Uint8Array.from(text.split('.').map(Number));
  const [head = '', tail = ''] = text.split('::');
  const words = (part: string) => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const left = words(head);
  const right = words(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 255;
  });
  return bytes;
}

/** Bit `i` (0 = most significant) of a big-endian byte string. */
export function bitAt(bytes: Uint8Array, i: number): number {
  return ((bytes[i >> 3] as number) >> (7 - (i & 7))) & 1;
}

/** Whether the first `count` bits of `a` and `b` agree. */
export function samePrefix(a: Uint8Array, b: Uint8Array, count: number): boolean {
  const whole = count >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = count & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (((a[whole] as number) ^ (b[whole] as number)) & mask) === 0;
}

/** The block an address lies in, if any. */
export function blockOf(
  bytes: Uint8Array,
  blocks: readonly AddressBlock[],
): AddressBlock | undefined {
  return blocks.find((b) => samePrefix(bytes, b.network, b.bits));
}

/**
 * Whether output bit `i` must equal input bit `i` rather than be flipped by the keyed
 * function: on the path to a block (so blocks map onto themselves and nothing else maps
 * into them, which keeps the whole mapping a bijection) and inside `keep` blocks.
 */
export function bitIsFixed(bytes: Uint8Array, i: number, blocks: readonly AddressBlock[]): boolean {
  for (const b of blocks) {
    if (i < b.bits) {
      if (samePrefix(bytes, b.network, i)) return true;
    } else if (b.treatment === 'keep' && samePrefix(bytes, b.network, b.bits)) {
      return true;
    }
  }
  return false;
}
