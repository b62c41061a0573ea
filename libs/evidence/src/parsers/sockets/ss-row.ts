import type { SocketState } from '@netmortem/domain';
import { parseSocketAddress, type SocketAddress } from './socket-address.js';
import { ssState } from './socket-states.js';

/** The fixed columns of one ss row, and where the free-form rest of it begins. */
export interface SsRow {
  readonly netid: string | undefined;
  readonly state: SocketState | undefined;
  readonly recvQ: number;
  readonly sendQ: number;
  readonly local: SocketAddress;
  readonly peer: SocketAddress;
  readonly restStart: number;
}

export type SsRowResult =
  | { readonly kind: 'row'; readonly row: SsRow }
  | { readonly kind: 'skip' }
  | { readonly kind: 'error'; readonly message: string };

// Families ss lists that have no IP endpoints (unix, netlink, packet, vsock, TIPC, XDP).
const NON_INET_NETID = /^(?:u_|p_|v_)|^(?:nl|tipc|xdp|\?\?\?)$/;
const INET_NETIDS = new Set(['tcp', 'udp', 'raw', 'mptcp', 'sctp', 'dccp', 'icmp', 'icmp6']);
const HEADER_FIRST_WORDS = new Set(['Netid', 'State', 'Recv-Q']);

/**
 * Splits a row whose columns vary with the options: Netid appears when several socket kinds
 * are listed (-a, -tu), State disappears under a state filter, and -H drops the header that
 * would have said which. So each row is read by what its words are, not by a header.
 */
export function readSsRow(line: string): SsRowResult {
  const words: string[] = [];
  let position = 0;
  while (words.length < 8) {
    while (position < line.length && isSpace(line.charCodeAt(position))) position++;
    if (position >= line.length) break;
    const start = position;
    while (position < line.length && !isSpace(line.charCodeAt(position))) position++;
    words.push(line.slice(start, position));
    if (words.length >= 4 && isAddressColumnsDone(words)) break;
  }
  const first = words[0];
  if (first === undefined) return { kind: 'skip' };
  if (HEADER_FIRST_WORDS.has(first)) return { kind: 'skip' };
  let index = 0;
  let netid: string | undefined;
  if (INET_NETIDS.has(first)) {
    netid = first;
    index++;
  } else if (NON_INET_NETID.test(first)) {
    return { kind: 'skip' };
  }
  const state = words[index] === undefined ? undefined : ssState(words[index]!);
  if (state) index++;
  const [recvText, sendText, localText, peerText] = words.slice(index, index + 4);
  if (peerText === undefined) return { kind: 'error', message: 'too few columns for an ss row' };
  if (!isCount(recvText!) || !isCount(sendText!)) {
    return { kind: 'error', message: `Recv-Q/Send-Q "${recvText} ${sendText}" are not numbers` };
  }
  // `ss -x` alone has no Netid column: a path (or `*`) and an inode instead of host:port.
  if (netid === undefined && !localText!.includes(':') && /^\d+$/.test(peerText)) {
    return { kind: 'skip' };
  }
  const local = parseSocketAddress(localText!);
  if (typeof local === 'string') return { kind: 'error', message: `local address: ${local}` };
  const peer = parseSocketAddress(peerText);
  if (typeof peer === 'string') return { kind: 'error', message: `peer address: ${peer}` };
  return {
    kind: 'row',
    row: {
      netid,
      state,
      recvQ: Number(recvText),
      sendQ: Number(sendText),
      local,
      peer,
      restStart: position,
    },
  };
}

/** True once the words read so far reach the peer address column. */
function isAddressColumnsDone(words: readonly string[]): boolean {
  let index = 0;
  if (INET_NETIDS.has(words[0]!) || NON_INET_NETID.test(words[0]!)) index++;
  if (words[index] !== undefined && ssState(words[index]!)) index++;
  return words.length >= index + 4;
}

function isCount(text: string): boolean {
  return /^\d{1,15}$/.test(text);
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
