import { formatAddress } from '@netmortem/evidence';
/**
 * IP addresses as 32-bit words (one for IPv4, four for IPv6), so prefix and range tests are
 * a few integer operations per packet instead of string work.
 */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly words: readonly number[];
}

/** Parses dotted IPv4 without regular expressions (this runs once per packet). */
function parseIpv4Word(text: string, start = 0, end = text.length): number | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = start; i <= end; i += 1) {
    const c = i < end ? text.charCodeAt(i) : 46; // a virtual '.' closes the last part
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits += 1;
      if (digits > 3 || part > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0) return undefined;
      value = value * 256 + part;
      parts += 1;
      part = 0;
      digits = 0;
    } else return undefined;
  }
  return parts === 4 ? value >>> 0 : undefined;
}

function parseIpv6Words(text: string): number[] | undefined {
  const zone = text.indexOf('%');
  const s = zone >= 0 ? text.slice(0, zone) : text;
  const groups: number[] = [];
  let gap = -1;
  let i = 0;
  if (s.startsWith('::')) {
    gap = 0;
    i = 2;
    if (s.length === 2) return [0, 0, 0, 0];
  }
  while (i < s.length) {
    let j = i;
    let value = 0;
    while (j < s.length && s.charCodeAt(j) !== 58 && s.charCodeAt(j) !== 46) {
      const c = s.charCodeAt(j) | 0x20;
      const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (digit < 0 || j - i >= 4) return undefined;
      value = value * 16 + digit;
      j += 1;
    }
    if (j < s.length && s.charCodeAt(j) === 46) {
      // Embedded IPv4 in the last 32 bits (::ffff:10.0.0.1).
      const v4 = parseIpv4Word(s, i, s.length);
      if (v4 === undefined) return undefined;
      groups.push(v4 >>> 16, v4 & 0xffff);
      break;
    }
    if (j === i) return undefined;
    groups.push(value);
    if (j >= s.length) break;
    // j is at ':'
    if (s.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return undefined;
      gap = groups.length;
      i = j + 2;
    } else {
      i = j + 1;
      if (i >= s.length) return undefined;
    }
  }
  if (gap >= 0) {
    if (groups.length > 7) return undefined;
    groups.splice(gap, 0, ...new Array<number>(8 - groups.length).fill(0));
  }
  if (groups.length !== 8) return undefined;
  const words: number[] = [];
  for (let k = 0; k < 8; k += 2)
    words.push((((groups[k] ?? 0) << 16) | (groups[k + 1] ?? 0)) >>> 0);
  return words;
}

export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const words = parseIpv6Words(
      text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text,
    );
    return words ? { family: 6, words } : undefined;
  }
  const word = parseIpv4Word(text);
  return word === undefined ? undefined : { family: 4, words: [word] };
}

/** A canonical key: equal for every spelling of one address (`fd77::1` and `fd77:0::1`). */
/**
 * Keys per parsed address object: the evaluator parses each address text once (AddressCache)
 * and asks for its key on every indexed walk and local-address test, where joining the words
 * again cost more than the walk.
 */
const KEYS = new WeakMap<IpAddress, string>();

export function addressKey(address: IpAddress): string {
  let key = KEYS.get(address);
  if (key === undefined) {
    key = `${address.family}:${address.words.join('.')}`;
    KEYS.set(address, key);
  }
  return key;
}

/** Text as the capture reader writes it, so translated tuples compare equal to captured ones. */
export function formatIpAddress(address: IpAddress): string {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0] = address.words;
  return formatAddress(address.family, w0, w1, w2, w3);
}

/** Compares two addresses of the same family word by word (-1, 0, 1). */
export function compareIpAddress(a: IpAddress, b: IpAddress): number {
  for (let i = 0; i < a.words.length; i += 1) {
    const x = a.words[i] ?? 0;
    const y = b.words[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** `10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `fd77::/64`, or a bare address (/32, /128). */
export interface AddressPrefix {
  readonly family: 4 | 6;
  readonly network: readonly number[];
  readonly mask: readonly number[];
}

export function parseAddressPrefix(text: string): AddressPrefix | undefined {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash >= 0 ? text.slice(0, slash) : text);
  if (!address) return undefined;
  const bits = address.family === 4 ? 32 : 128;
  let mask: number[];
  const maskText = slash >= 0 ? text.slice(slash + 1) : String(bits);
  if (/^\d+$/.test(maskText)) {
    const length = Number(maskText);
    if (length > bits) return undefined;
    mask = address.words.map((_, i) => {
      const inWord = Math.max(0, Math.min(32, length - i * 32));
      return inWord === 0 ? 0 : (0xffffffff << (32 - inWord)) >>> 0;
    });
  } else {
    const dotted = parseIpAddress(maskText);
    if (!dotted || dotted.family !== address.family) return undefined;
    mask = [...dotted.words];
  }
  return {
    family: address.family,
    mask,
    network: address.words.map((w, i) => (w & (mask[i] ?? 0)) >>> 0),
  };
}

export function prefixContains(prefix: AddressPrefix, address: IpAddress): boolean {
  if (prefix.family !== address.family) return false;
  const words = address.words;
  for (let i = 0; i < words.length; i += 1) {
    if (((words[i] ?? 0) & (prefix.mask[i] ?? 0)) >>> 0 !== prefix.network[i]) return false;
  }
  return true;
}
