import type { OowAckMemory } from './ack-rate-limits.js';
import type { SocketEndpoint } from './endpoint-address.js';
import type { KeepaliveSettings } from './endpoint-settings.js';

export type TcpSocketState =
  | 'LISTEN'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'ESTABLISHED'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'CLOSING'
  | 'CLOSED';

/** How much the model knows about a number: seen on the wire, or guessed from one side. */
export type Knowledge = 'observed' | 'inferred';

/** The four-tuple of a socket, local side first. */
export interface SocketIdentity {
  readonly key: string;
  readonly local: SocketEndpoint;
  readonly remote: SocketEndpoint;
}

/**
 * A full socket (struct tcp_sock): everything from SYN_SENT to LAST_ACK. Sequence numbers
 * are undefined until a packet shows them (a socket seeded from `ss` starts with none).
 */
export interface FullSocket extends SocketIdentity, OowAckMemory {
  readonly kind: 'full';
  state: TcpSocketState;
  /** close() was called: nobody will read, FIN-WAIT-2 times out (tcp_fin_timeout). */
  orphan: boolean;
  /** shutdown(SHUT_WR) or close(): our FIN is queued or sent. */
  finQueued: boolean;
  iss?: number;
  irs?: number;
  sndUna?: number;
  sndNxt?: number;
  sndKnowledge?: Knowledge;
  rcvNxt?: number;
  rcvKnowledge?: Knowledge;
  /** Sequence number of our FIN, once sent. */
  finSeq?: number;
  /** Largest window the peer offered, in bytes (RFC 5961 5.2 old-ACK test). */
  maxWindow?: number;
  /** Window we offer, in bytes; `rcvWindowAssumed` when no packet of ours showed it. */
  rcvWindow: number;
  rcvWindowAssumed: boolean;
  sndWscale?: number;
  rcvWscale?: number;
  tsRecent?: number;
  /** Bytes received in order (not known to be read); close() is told the unread part. */
  receivedBytes: number;
  createdUs: number;
  lastReceivedUs: number;
  keepalive?: KeepaliveSettings;
  keepaliveProbesOut: number;
  /** Orphaned FIN-WAIT-2 with tcp_fin_timeout > 60 s stays a full socket until then. */
  fullUntilUs?: number;
  /** Absolute end of an orphaned FIN-WAIT-2 socket's life. */
  orphanDeadlineUs?: number;
  /**
   * Seeded from a listing that may postdate the packets being replayed and not confirmed
   * by any packet yet: a handshake SYN for its four-tuple means the row describes a later
   * connection, and the socket gives way.
   */
  provisional?: boolean;
}

/**
 * A timewait socket (struct inet_timewait_sock): TIME-WAIT itself, or an orphaned
 * FIN-WAIT-2 socket the kernel has shrunk to the same small form.
 */
export interface TimeWaitSocket extends SocketIdentity, OowAckMemory {
  readonly kind: 'time-wait';
  substate: 'TIME_WAIT' | 'FIN_WAIT2';
  rcvNxt?: number;
  sndNxt?: number;
  rcvWindow: number;
  tsRecent?: number;
  expiresUs: number;
}

/** A half-open connection on a listener (request sock, TCP_NEW_SYN_RECV). */
export interface RequestSocket extends SocketIdentity, OowAckMemory {
  readonly kind: 'request';
  readonly listenerKey: string;
  readonly irs: number;
  iss?: number;
  readonly rcvWindow: number;
  readonly sndWscale?: number;
  tsRecent?: number;
  readonly createdUs: number;
  expiresUs: number;
}

export type SocketEntry = FullSocket | TimeWaitSocket | RequestSocket;

export interface ListenerSocket {
  readonly key: string;
  readonly address: string;
  readonly port: number;
  readonly v6only: boolean;
  /** Accept queue full (ss: Recv-Q > Send-Q on the LISTEN row): new handshakes are dropped. */
  backlogFull: boolean;
}

/** Window assumed when no packet has shown the one a socket offers (64 KiB at scale 7). */
export const ASSUMED_RECEIVE_WINDOW = 65535 * 128;

/** The state as reported for a socket entry. */
export function entryState(entry: SocketEntry): TcpSocketState {
  switch (entry.kind) {
    case 'full':
      return entry.state;
    case 'time-wait':
      return entry.substate;
    case 'request':
      return 'SYN_RECV';
  }
}
