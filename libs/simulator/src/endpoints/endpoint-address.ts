/** One side of a socket: an address in canonical form and a port. */
export interface SocketEndpoint {
  readonly address: string;
  readonly port: number;
}

const MAPPED_V4 = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/** Canonical forms already worked out (see canonicalAddress). */
const CANONICAL = new Map<string, string>();
const CANONICAL_MAX = 4096;

/**
 * Canonical form used for every lookup: lower case, IPv4-mapped IPv6 (`::ffff:10.0.0.1`,
 * what a dual-stack socket reports) folded to the IPv4 address it carries, so a packet
 * and an `ss` row about the same flow meet on one key.
 */
export function canonicalAddress(address: string): string {
  if (isPlainIpv4(address)) return address; // the common case, without allocating
  const known = CANONICAL.get(address);
  if (known !== undefined) return known;
  const lower = address.trim().toLowerCase();
  const mapped = MAPPED_V4.exec(lower);
  const canonical = mapped?.[1] ?? lower;
  // Every segment of a flow asks again (IPv6 hosts): remember, within a bound.
  if (CANONICAL.size >= CANONICAL_MAX) CANONICAL.clear();
  CANONICAL.set(address, canonical);
  return canonical;
}

function isPlainIpv4(address: string): boolean {
  const n = address.length;
  if (n === 0 || n > 15) return false;
  for (let i = 0; i < n; i++) {
    const c = address.charCodeAt(i);
    if (c !== 46 && (c < 48 || c > 57)) return false;
  }
  return true;
}

export function addressFamily(address: string): 4 | 6 {
  return canonicalAddress(address).includes(':') ? 6 : 4;
}

export function isWildcard(address: string): boolean {
  const a = canonicalAddress(address);
  return a === '0.0.0.0' || a === '::' || a === '*';
}

/** Loopback is local on every host whether or not the address list says so. */
export function isLoopback(address: string): boolean {
  const a = canonicalAddress(address);
  return a === '::1' || a.startsWith('127.');
}

export function connectionKey(local: SocketEndpoint, remote: SocketEndpoint): string {
  return `${canonicalAddress(local.address)}|${local.port}|${canonicalAddress(remote.address)}|${remote.port}`;
}

export function formatSocketEndpoint(endpoint: SocketEndpoint): string {
  const address = canonicalAddress(endpoint.address);
  return address.includes(':') ? `[${address}]:${endpoint.port}` : `${address}:${endpoint.port}`;
}

/** A listening socket as the lookup sees it. */
export interface ListenerBinding {
  readonly address: string;
  readonly port: number;
  /** IPV6_V6ONLY on a `::` listener: IPv4 peers are not accepted. */
  readonly v6only: boolean;
}

/**
 * How well a listener fits a destination, Linux style: an exact address beats a wildcard,
 * a listener of the packet's own family beats a dual-stack one; undefined = no match.
 */
export function listenerScore(
  listener: ListenerBinding,
  destination: string,
  port: number,
): number | undefined {
  if (listener.port !== port) return undefined;
  const dst = canonicalAddress(destination);
  const bound = canonicalAddress(listener.address);
  const family = addressFamily(dst);
  if (bound === '0.0.0.0') return family === 4 ? 2 : undefined;
  if (bound === '::') {
    if (family === 6) return 2;
    return listener.v6only ? undefined : 1;
  }
  return bound === dst ? 4 : undefined;
}
