/**
 * The small value languages iptables options use (ports, protocol names, TCP flag lists,
 * marks, interface names), parsed once when a ruleset is compiled.
 */

const PROTOCOLS: Readonly<Record<string, number>> = {
  all: 0, icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51,
  'ipv6-icmp': 58, icmpv6: 58, icmp6: 58, sctp: 132, udplite: 136, dccp: 33, mh: 135,
}; // prettier-ignore

/** Protocol number for `-p` (name or number); undefined when unknown. */
export function protocolNumber(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (/^\d+$/.test(lower)) return Number(lower);
  return PROTOCOLS[lower];
}

/** Protocols whose first four bytes are the source and destination ports. */
export const PORT_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 33, 132, 136]);

const SERVICES: Readonly<Record<string, number>> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, http: 80, www: 80, https: 443,
  ntp: 123, snmp: 161, bgp: 179, ldap: 389, mysql: 3306, postgresql: 5432,
}; // prettier-ignore

function portNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : undefined;
  }
  return SERVICES[text.toLowerCase()];
}

export interface PortRange {
  readonly min: number;
  readonly max: number;
}

/** `80`, `1024:65535`, `:1024`, `1024:` (iptables), also `a-b` as nft writes it. */
export function parsePortRange(text: string): PortRange | undefined {
  const sep = text.includes(':') ? ':' : text.includes('-') ? '-' : undefined;
  if (!sep) {
    const port = portNumber(text);
    return port === undefined ? undefined : { min: port, max: port };
  }
  const [a = '', b = ''] = text.split(sep);
  const min = a === '' ? 0 : portNumber(a);
  const max = b === '' ? 65535 : portNumber(b);
  if (min === undefined || max === undefined) return undefined;
  // iptables swaps a reversed range rather than refusing it.
  return min <= max ? { min, max } : { min: max, max: min };
}

/** multiport lists: `80,443,8000:8080`. */
export function parsePortList(text: string): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const item of text.split(',')) {
    const range = parsePortRange(item.trim());
    if (!range) return undefined;
    out.push(range);
  }
  return out.length > 0 ? out : undefined;
}

export function inPortRanges(ranges: readonly PortRange[], port: number): boolean {
  for (const r of ranges) if (port >= r.min && port <= r.max) return true;
  return false;
}

const TCP_FLAG_NAMES: Readonly<Record<string, number>> = {
  FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80,
  ALL: 0x3f, NONE: 0,
}; // prettier-ignore

/** `FIN,SYN,RST,ACK` → bits. */
export function parseTcpFlagList(text: string): number | undefined {
  let bits = 0;
  for (const name of text.split(',')) {
    const bit = TCP_FLAG_NAMES[name.trim().toUpperCase()];
    if (bit === undefined) return undefined;
    bits |= bit;
  }
  return bits;
}

/** `--tcp-flags MASK COMP`: the packet's flags under MASK must equal COMP. */
export function parseTcpFlags(text: string): { mask: number; comp: number } | undefined {
  const [maskText, compText, extra] = text.trim().split(/\s+/);
  if (!maskText || !compText || extra !== undefined) return undefined;
  const mask = parseTcpFlagList(maskText);
  const comp = parseTcpFlagList(compText);
  return mask === undefined || comp === undefined ? undefined : { mask, comp };
}

/** `--syn` is shorthand for `--tcp-flags FIN,SYN,RST,ACK SYN`. */
export const SYN_FLAGS = { mask: 0x17, comp: 0x02 } as const;

function parseU32(text: string): number | undefined {
  if (!/^(?:0x[0-9a-f]+|\d+)$/i.test(text)) return undefined;
  const n = text.toLowerCase().startsWith('0x') ? Number.parseInt(text, 16) : Number(text);
  return n <= 0xffffffff ? n >>> 0 : undefined;
}

/** `0x4000/0x4000` or `0x1` (mask defaults to all ones). */
export function parseMarkValue(text: string): { value: number; mask: number } | undefined {
  const [valueText = '', maskText] = text.split('/');
  const value = parseU32(valueText);
  const mask = maskText === undefined ? 0xffffffff : parseU32(maskText);
  return value === undefined || mask === undefined ? undefined : { value, mask };
}

export { parseU32 };

/**
 * `-i eth0` matches exactly, `-i veth+` any name starting with `veth`; an absent interface
 * (a locally generated packet has no input interface) is the empty name.
 */
export function compileInterfaceMatcher(pattern: string): (name: string | undefined) => boolean {
  if (pattern.endsWith('+')) {
    const prefix = pattern.slice(0, -1);
    return (name) => (name ?? '').startsWith(prefix);
  }
  return (name) => name === pattern;
}

/** `a-b` (or one value) of numbers: uid ranges for `-m owner`. */
export function parseNumberRange(text: string): { min: number; max: number } | undefined {
  const [a = '', b] = text.split('-');
  if (!/^\d+$/.test(a) || (b !== undefined && !/^\d+$/.test(b))) return undefined;
  return { min: Number(a), max: Number(b ?? a) };
}

const ICMP_TYPES: Readonly<Record<string, readonly [number, number?]>> = {
  'echo-reply': [0], pong: [0], 'destination-unreachable': [3], 'network-unreachable': [3, 0],
  'host-unreachable': [3, 1], 'protocol-unreachable': [3, 2], 'port-unreachable': [3, 3],
  'fragmentation-needed': [3, 4], 'source-route-failed': [3, 5], 'network-prohibited': [3, 9],
  'host-prohibited': [3, 10], 'communication-prohibited': [3, 13], redirect: [5],
  'echo-request': [8], ping: [8], 'time-exceeded': [11], 'ttl-exceeded': [11, 0],
  'parameter-problem': [12], 'timestamp-request': [13], 'timestamp-reply': [14],
}; // prettier-ignore

const ICMP6_TYPES: Readonly<Record<string, readonly [number, number?]>> = {
  'destination-unreachable': [1], 'no-route': [1, 0], 'communication-prohibited': [1, 1],
  'address-unreachable': [1, 3], 'port-unreachable': [1, 4], 'packet-too-big': [2],
  'time-exceeded': [3], 'ttl-exceeded': [3, 0], 'parameter-problem': [4],
  'echo-request': [128], ping: [128], 'echo-reply': [129], pong: [129],
  'neighbour-solicitation': [135], 'neighbor-solicitation': [135],
  'neighbour-advertisement': [136], 'neighbor-advertisement': [136],
  'router-solicitation': [133], 'router-advertisement': [134],
}; // prettier-ignore

/** `--icmp-type 8`, `3/3`, `echo-request`, `any` → type (-1 for any) and optional code. */
export function parseIcmpType(
  text: string,
  family: 4 | 6,
): { type: number; code?: number } | undefined {
  if (text === 'any') return { type: -1 };
  const numeric = /^(\d+)(?:\/(\d+))?$/.exec(text);
  if (numeric) {
    return numeric[2] === undefined
      ? { type: Number(numeric[1]) }
      : { type: Number(numeric[1]), code: Number(numeric[2]) };
  }
  const named = (family === 4 ? ICMP_TYPES : ICMP6_TYPES)[text.toLowerCase()];
  if (!named) return undefined;
  return named[1] === undefined ? { type: named[0] } : { type: named[0], code: named[1] };
}
