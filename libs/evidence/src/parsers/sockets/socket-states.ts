import type { SocketState } from '@netmortem/domain';

/** ss spellings across iproute2 versions (NEW-SYN-RECV and BOUND appeared in later ones). */
const SS_STATES: ReadonlyMap<string, SocketState> = new Map<string, SocketState>([
  ['ESTAB', 'ESTAB'],
  ['SYN-SENT', 'SYN-SENT'],
  ['SYN-RECV', 'SYN-RECV'],
  ['NEW-SYN-RECV', 'SYN-RECV'],
  ['FIN-WAIT-1', 'FIN-WAIT-1'],
  ['FIN-WAIT-2', 'FIN-WAIT-2'],
  ['TIME-WAIT', 'TIME-WAIT'],
  ['CLOSE', 'CLOSE'],
  ['CLOSED', 'CLOSE'],
  ['BOUND', 'CLOSE'],
  ['CLOSE-WAIT', 'CLOSE-WAIT'],
  ['LAST-ACK', 'LAST-ACK'],
  ['LISTEN', 'LISTEN'],
  ['CLOSING', 'CLOSING'],
  ['UNCONN', 'UNCONN'],
  ['UNKNOWN', 'UNKNOWN'],
]);

/** net-tools spells the kernel's TCP states with underscores and without hyphenated numbers. */
const NETSTAT_STATES: ReadonlyMap<string, SocketState> = new Map<string, SocketState>([
  ['ESTABLISHED', 'ESTAB'],
  ['SYN_SENT', 'SYN-SENT'],
  ['SYN_RECV', 'SYN-RECV'],
  ['FIN_WAIT1', 'FIN-WAIT-1'],
  ['FIN_WAIT2', 'FIN-WAIT-2'],
  ['TIME_WAIT', 'TIME-WAIT'],
  ['CLOSE', 'CLOSE'],
  ['CLOSE_WAIT', 'CLOSE-WAIT'],
  ['LAST_ACK', 'LAST-ACK'],
  ['LISTEN', 'LISTEN'],
  ['CLOSING', 'CLOSING'],
  ['UNKNOWN', 'UNKNOWN'],
]);

export function ssState(token: string): SocketState | undefined {
  return SS_STATES.get(token);
}

export function netstatState(token: string): SocketState | undefined {
  return NETSTAT_STATES.get(token);
}

/** States only a TCP socket can be in: they settle the protocol of a listing without Netid. */
export function isTcpOnlyState(state: SocketState): boolean {
  return state !== 'ESTAB' && state !== 'UNCONN' && state !== 'UNKNOWN' && state !== 'CLOSE';
}
