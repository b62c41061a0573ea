import type { Endpoint } from '@netmortem/domain';
import { endpoint, parseEndpoint } from '../shared/endpoint-text.js';

/** Calls whose first argument is a file descriptor. */
const FD_CALLS = new Set([
  'connect', 'bind', 'listen', 'accept', 'accept4', 'shutdown', 'close', 'read', 'write',
  'readv', 'writev', 'pread64', 'pwrite64', 'send', 'recv', 'sendto', 'recvfrom', 'sendmsg',
  'recvmsg', 'sendmmsg', 'recvmmsg', 'setsockopt', 'getsockopt', 'getsockname', 'getpeername',
  'sendfile', 'fcntl', 'ioctl', 'splice',
]); // prettier-ignore

const PORT = /sin6?_port=htons\((\d+)\)/;
const V4 = /sin_addr=inet_addr\("([^"]+)"\)/;
const V6 = /inet_pton\(AF_INET6, "([^"]+)"/;
// `-yy` decorates descriptors: `4<TCP:[10.0.0.1:45730->10.0.0.2:8081]>`, `<TCPv6:[[fd::1]:1->[fd::2]:2]>`.
const DECORATED_PEER =
  /^\d+<(?:TCP|UDP|TCPv6|UDPv6|SCTP|SCTPv6):\[[^\]]*?(?:\[[^\]]*\])?[^\]]*?->(\[[0-9a-f:.]+\]:\d+|[\d.]+:\d+)\]>/;

export function fdOf(name: string, args: string): number | undefined {
  if (!FD_CALLS.has(name)) return undefined;
  const m = /^(-?\d+)/.exec(args);
  return m ? Number(m[1]) : undefined;
}

/** The socket address a call names (connect's peer, accept's client, bind's local, …). */
export function addressOf(args: string): Endpoint | undefined {
  const port = PORT.exec(args);
  if (port) {
    const ip = V4.exec(args)?.[1] ?? V6.exec(args)?.[1];
    if (ip) return endpoint(ip, port[1] ?? '');
  }
  const peer = DECORATED_PEER.exec(args);
  return peer ? parseEndpoint(peer[1] ?? '') : undefined;
}

/** getsockopt(fd, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], …): how a non-blocking connect ended. */
export function socketErrorOf(name: string, args: string): string | undefined {
  if (name !== 'getsockopt' || !args.includes('SO_ERROR')) return undefined;
  return /SO_ERROR, \[(E[A-Z0-9]+)\]/.exec(args)?.[1];
}
