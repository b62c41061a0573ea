import type { Locator } from '../artifact/locator.js';
import type { Endpoint } from './endpoint.js';

/** Kernel TCP socket states, in the spelling `ss` prints. */
export type SocketState =
  | 'ESTAB'
  | 'SYN-SENT'
  | 'SYN-RECV'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'TIME-WAIT'
  | 'CLOSE'
  | 'CLOSE-WAIT'
  | 'LAST-ACK'
  | 'LISTEN'
  | 'CLOSING'
  | 'UNCONN'
  | 'UNKNOWN';

export interface SocketTimer {
  /** `on` (retransmit), `keepalive`, `timewait`, `persist`, `off`. */
  readonly name: string;
  readonly expiresMs?: number;
  readonly retransmits?: number;
}

export interface SocketProcess {
  readonly name: string;
  readonly pid?: number;
  readonly fd?: number;
}

/** One socket from `ss` or `netstat`. */
export interface SocketSnapshot {
  readonly locator: Locator;
  readonly protocol: 'tcp' | 'udp' | 'other';
  readonly state: SocketState;
  readonly recvQ: number;
  readonly sendQ: number;
  readonly local: Endpoint;
  /** Null for listeners (`*:*`). */
  readonly peer: Endpoint | null;
  readonly timer?: SocketTimer;
  readonly processes?: readonly SocketProcess[];
  readonly inode?: number;
  readonly uid?: number;
  /** Internal TCP details `ss -i` / `-e` print (rto, rtt, cwnd, wscale, …), verbatim. */
  readonly details?: Readonly<Record<string, string>>;
}
