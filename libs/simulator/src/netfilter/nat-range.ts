import { compareIpAddress, formatIpAddress, parseIpAddress, type IpAddress } from './ip-address.js';
import type { NatRange } from './netfilter-types.js';

/** A parsed `--to-destination` / `--to-source` / `--to-ports` value. */
export interface CompiledNatRange {
  readonly minAddress?: IpAddress;
  readonly maxAddress?: IpAddress;
  readonly minPort?: number;
  readonly maxPort?: number;
}

function port(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/** `15006`, `30000-40000` (iptables also accepts `a:b`). */
export function parsePortsRange(text: string): CompiledNatRange | undefined {
  const [a = '', b] = text.split(/[-:]/);
  const min = port(a);
  const max = b === undefined ? min : port(b);
  if (min === undefined || max === undefined) return undefined;
  return { minPort: Math.min(min, max), maxPort: Math.max(min, max) };
}

/**
 * `10.0.0.1`, `10.0.0.1:80`, `10.0.0.1-10.0.0.9:5300-5302`, `[fd77::2]:8080`,
 * `[fd77::1-fd77::9]:80`, `fd77::2`, `:8080`. Only the first of several space-separated
 * ranges (pre-2.6.11 kernels) is read.
 */
export function parseNatRange(text: string, family: 4 | 6): CompiledNatRange | undefined {
  const first = text.trim().split(/\s+/)[0] ?? '';
  let addressPart: string;
  let portPart: string | undefined;
  if (first.startsWith('[')) {
    const close = first.indexOf(']');
    if (close < 0) return undefined;
    addressPart = first.slice(1, close);
    const rest = first.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    portPart = rest === '' ? undefined : rest.slice(1);
  } else if (family === 6) {
    addressPart = first; // without brackets an IPv6 range has no port
  } else {
    const colon = first.indexOf(':');
    addressPart = colon >= 0 ? first.slice(0, colon) : first;
    portPart = colon >= 0 ? first.slice(colon + 1) : undefined;
  }
  let ports: CompiledNatRange = {};
  if (portPart !== undefined) {
    // `a-b/base` (port shifting) keeps the plain range; the shift is not modelled.
    const parsed = parsePortsRange(portPart.split('/')[0] ?? '');
    if (!parsed) return undefined;
    ports = parsed;
  }
  if (addressPart === '') return ports;
  const dash = addressPart.indexOf('-');
  const min = parseIpAddress(dash >= 0 ? addressPart.slice(0, dash) : addressPart);
  const max = dash >= 0 ? parseIpAddress(addressPart.slice(dash + 1)) : min;
  if (!min || !max || min.family !== family || max.family !== family) return undefined;
  const ordered = compareIpAddress(min, max) <= 0 ? [min, max] : [max, min];
  return { ...ports, minAddress: ordered[0], maxAddress: ordered[1] };
}

export function describeRange(range: CompiledNatRange): NatRange | undefined {
  const wideAddress =
    range.minAddress &&
    range.maxAddress &&
    compareIpAddress(range.minAddress, range.maxAddress) !== 0;
  const widePort = range.minPort !== undefined && range.minPort !== range.maxPort;
  if (!wideAddress && !widePort) return undefined;
  return {
    ...(range.minAddress ? { minAddress: formatIpAddress(range.minAddress) } : {}),
    ...(range.maxAddress ? { maxAddress: formatIpAddress(range.maxAddress) } : {}),
    ...(range.minPort !== undefined ? { minPort: range.minPort } : {}),
    ...(range.maxPort !== undefined ? { maxPort: range.maxPort } : {}),
  };
}

/**
 * The port NAT lands on: the kernel keeps the packet's own port when the range allows it
 * (and the tuple stays unique, which conntrack checks), otherwise it searches the range; the
 * search order depends on hashing, so the range's first port stands in for it.
 */
export function choosePort(
  range: CompiledNatRange,
  current: number,
): { port?: number; approximate?: string } {
  if (range.minPort === undefined || range.maxPort === undefined) return {};
  if (current >= range.minPort && current <= range.maxPort) return { port: current };
  if (range.minPort === range.maxPort) return { port: range.minPort };
  return {
    port: range.minPort,
    approximate: `port chosen from ${range.minPort}-${range.maxPort}: the kernel searches the range from a hashed offset; the first port stands in`,
  };
}

/**
 * The address NAT lands on; for a range the kernel hashes the tuple, the first address stands
 * in. It does not depend on the packet, so targets work it out once, when compiled.
 */
export function chooseAddress(range: CompiledNatRange): { address?: string; approximate?: string } {
  if (!range.minAddress || !range.maxAddress) return {};
  const address = formatIpAddress(range.minAddress);
  if (compareIpAddress(range.minAddress, range.maxAddress) === 0) return { address };
  return {
    address,
    approximate: `address chosen from ${address}-${formatIpAddress(range.maxAddress)}: the kernel picks by a hash of the tuple; the first address stands in`,
  };
}
