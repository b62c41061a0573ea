import type { CtDirection, TcpConntrackState, Tuple } from '../model/index.js';
import type { TcpConnectionState } from './tcp-window.js';

/** One conntrack entry: mutable inside the table, read-only to everyone else. */
export interface ConntrackRecord {
  /** 1, 2, 3… in creation order. */
  readonly id: number;
  readonly original: Tuple;
  /** Rewritten by NAT before confirmation. */
  reply: Tuple;
  tcpState?: TcpConntrackState;
  assured: boolean;
  seenReply: boolean;
  confirmed: boolean;
  mark: number;
  createdUs: number;
  lastSeenUs: number;
  /** Absolute time the entry dies unless refreshed, set by the timer armed last. */
  expiresUs: number;
  /** Which timeout armed expiresUs: a TCP state name, 'UNACKNOWLEDGED', 'RETRANS', 'UDP', 'UDP_STREAM', 'ICMP', 'GENERIC'. */
  timerState: string;
  nat?: { kind: 'DNAT' | 'SNAT' | 'BOTH'; rule?: string };
  /** Seeded from `conntrack -L`/`-E` rather than created by a replayed packet. */
  readonly seeded?: boolean;
}

/** The table's own view of an entry: the public record plus tracker state and index keys. */
export class TrackedEntry implements ConntrackRecord {
  tcpState?: TcpConntrackState;
  assured = false;
  seenReply = false;
  confirmed = false;
  mark = 0;
  lastSeenUs: number;
  expiresUs: number;
  timerState = '';
  nat?: ConntrackRecord['nat'];
  seeded?: boolean;
  tcp: TcpConnectionState | undefined;
  /** UDP: replies after this time make the flow a stream (longer timeout, ASSURED). */
  udpStreamAfterUs = 0;
  /** Still in the table (or still unconfirmed and not discarded). */
  alive = true;
  /** Expiry-heap bookkeeping: the due time of this entry's current heap node (-1: none). */
  heapDue = -1;

  constructor(
    readonly id: number,
    readonly original: Tuple,
    public reply: Tuple,
    readonly createdUs: number,
  ) {
    this.lastSeenUs = createdUs;
    this.expiresUs = createdUs;
  }

  /** The public record only (the tracker state is internal). */
  toJSON(): ConntrackRecord {
    return {
      id: this.id,
      original: this.original,
      reply: this.reply,
      tcpState: this.tcpState,
      assured: this.assured,
      seenReply: this.seenReply,
      confirmed: this.confirmed,
      mark: this.mark,
      createdUs: this.createdUs,
      lastSeenUs: this.lastSeenUs,
      expiresUs: this.expiresUs,
      timerState: this.timerState,
      nat: this.nat,
      seeded: this.seeded,
    };
  }

  /** Arm the timer: `seconds` from now, named for the timeline. */
  arm(nowUs: number, seconds: number, timer: string): void {
    this.expiresUs = nowUs + seconds * 1_000_000;
    this.timerState = timer;
  }
}

export function directionOf(dir: 0 | 1): CtDirection {
  return dir === 0 ? 'original' : 'reply';
}
