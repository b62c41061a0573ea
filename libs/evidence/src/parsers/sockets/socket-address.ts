import { canonicalIp } from '../shared/ip-address.js';

/**
 * One address column of ss or netstat: `10.0.0.1:80`, `[fd00::1]:443`, `[::ffff:10.0.0.1]:80`,
 * `:::22` and `::ffff:10.0.0.1:80` (iproute2 4.x, netstat), `*:*`, `0.0.0.0:*`, and addresses
 * bound to a device: `10.0.0.1%lo:53`, `[fe80::1]%eth0:546`, `[fe80::1%eth0]:80`.
 */
export interface SocketAddress {
  /** Canonical IP; the any-address (`*`, `0.0.0.0`, `::`) as printed in canonical form. */
  readonly ip: string;
  /** Undefined for a `*` port. */
  readonly port: number | undefined;
  readonly anyHost: boolean;
  /** Device after `%` (SO_BINDTODEVICE or an IPv6 scope). */
  readonly device?: string;
}

// ss and netstat print names for these unless told -n; enough to read the usual suspects.
const SERVICE_PORTS: ReadonlyMap<string, number> = new Map(
  Object.entries({
    ssh: 22,
    smtp: 25,
    domain: 53,
    bootpc: 68,
    http: 80,
    https: 443,
    'http-alt': 8080,
    webcache: 8080,
    mysql: 3306,
    postgresql: 5432,
    redis: 6379,
    ntp: 123,
    sunrpc: 111,
    ldap: 389,
    mdns: 5353,
  }),
);

/** Parses an address column; a string names what is wrong with it. */
export function parseSocketAddress(token: string): SocketAddress | string {
  const colon = token.lastIndexOf(':');
  if (colon <= 0 || colon === token.length - 1) return `no host:port in "${token}"`;
  const portText = token.slice(colon + 1);
  let host = token.slice(0, colon);
  let device: string | undefined;

  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close === -1) return `unbalanced brackets in "${token}"`;
    const after = host.slice(close + 1);
    if (after.startsWith('%') && after.length > 1) device = after.slice(1);
    else if (after !== '') return `unexpected "${after}" after the address in "${token}"`;
    host = host.slice(1, close);
  }
  const percent = host.indexOf('%');
  if (percent !== -1) {
    device ??= host.slice(percent + 1) || undefined;
    host = host.slice(0, percent);
  }

  const port = parsePort(portText);
  if (port === null) return `port "${portText}" is not a number`;
  const anyHost = host === '*' || host === '0.0.0.0' || host === '::';
  const ip = host === '*' ? '0.0.0.0' : canonicalIp(host, { unmapV4: true });
  if (ip === undefined) return `"${host}" is not an IP address (was the listing made without -n?)`;
  return device === undefined ? { ip, port, anyHost } : { ip, port, anyHost, device };
}

/** Undefined for `*`, null when unreadable. */
function parsePort(text: string): number | undefined | null {
  if (text === '*') return undefined;
  if (/^\d{1,5}$/.test(text)) {
    const port = Number(text);
    return port <= 65535 ? port : null;
  }
  return SERVICE_PORTS.get(text) ?? null;
}
