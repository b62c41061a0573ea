/**
 * Addresses as `inet_ntop` prints them, whatever the tool printed: /proc/net/nf_conntrack
 * spells IPv6 in full (`fd77:0000:…:0001`), netstat and ss compress it, and evidence from
 * different artifacts only lines up when every copy of an address is the same string.
 */

export interface CanonicalIpOptions {
  /**
   * `::ffff:10.0.0.1` → `10.0.0.1`. Dual-stack sockets show IPv4 peers this way; on the wire
   * (and in conntrack, netstat and captures) the same flow is plain IPv4.
   */
  readonly unmapV4?: boolean;
}

const MAX_IPV6_TEXT = 45;

/** The canonical form of an IPv4 or IPv6 address, or undefined when it is not one. */
export function canonicalIp(text: string, options: CanonicalIpOptions = {}): string | undefined {
  if (text.includes(':')) {
    // A zone (`fe80::1%eth0`) names the link, not the address.
    const zone = text.indexOf('%');
    const words = parseIpv6(zone === -1 ? text : text.slice(0, zone));
    if (!words) return undefined;
    if (options.unmapV4 && isV4Mapped(words)) return v4FromWords(words[6]!, words[7]!);
    return formatIpv6(words);
  }
  return isIpv4(text) ? stripIpv4Zeros(text) : undefined;
}

export function isIpv4(text: string): boolean {
  let octets = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || value > 255) return false;
      octets++;
      digits = 0;
      value = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      value = value * 10 + (c - 0x30);
      digits++;
    } else {
      return false;
    }
  }
  return octets === 4;
}

function stripIpv4Zeros(text: string): string {
  // `010.000.000.001` is rare but some tools pad; inet_ntop never does.
  if (!/(?:^|\.)0\d/.test(text)) return text;
  return text
    .split('.')
    .map((octet) => String(Number(octet)))
    .join('.');
}

/** Eight 16-bit words, or undefined. Accepts `::`, an IPv4 tail, and 1-4 hex digits per group. */
export function parseIpv6(text: string): number[] | undefined {
  if (text.length < 2 || text.length > MAX_IPV6_TEXT) return undefined;
  const gap = text.indexOf('::');
  if (gap !== -1 && text.indexOf('::', gap + 1) !== -1) return undefined;
  const head = gap === -1 ? text : text.slice(0, gap);
  const tail = gap === -1 ? '' : text.slice(gap + 2);
  const headWords = parseGroups(head, gap === -1);
  const tailWords = gap === -1 ? [] : parseGroups(tail, true);
  if (!headWords || !tailWords) return undefined;
  const missing = 8 - headWords.length - tailWords.length;
  if (gap === -1 ? missing !== 0 : missing < 1) return undefined;
  return [...headWords, ...new Array<number>(gap === -1 ? 0 : missing).fill(0), ...tailWords];
}

function parseGroups(text: string, mayEndInIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (i === groups.length - 1 && mayEndInIpv4 && group.includes('.')) {
      if (!isIpv4(group)) return undefined;
      const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
      words.push((a << 8) | b, (c << 8) | d);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      words.push(parseInt(group, 16));
    } else {
      return undefined;
    }
  }
  return words;
}

function isV4Mapped(words: readonly number[]): boolean {
  return words.slice(0, 5).every((word) => word === 0) && words[5] === 0xffff;
}

function v4FromWords(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** RFC 5952 as glibc's inet_ntop applies it: the longest run of two or more zero words becomes `::`. */
export function formatIpv6(words: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && words[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  if (bestLength < 2) bestStart = -1;
  // inet_ntop keeps the dotted tail for IPv4-mapped and IPv4-compatible addresses.
  const dottedTail =
    bestStart === 0 && (bestLength === 6 || (bestLength === 5 && words[5] === 0xffff));
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLength - 1;
      continue;
    }
    if (dottedTail && i === 6) {
      if (!out.endsWith(':')) out += ':';
      out += v4FromWords(words[6]!, words[7]!);
      break;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += words[i]!.toString(16);
  }
  return out;
}
