import type { Locator } from '../artifact/locator.js';

/** The conntrack TCP states, as the kernel names them. */
export type ConntrackTcpState =
  | 'NONE'
  | 'SYN_SENT'
  | 'SYN_SENT2'
  | 'SYN_RECV'
  | 'ESTABLISHED'
  | 'FIN_WAIT'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'LISTEN';

export interface ConntrackTuple {
  readonly src: string;
  readonly dst: string;
  readonly srcPort?: number;
  readonly dstPort?: number;
  /** ICMP type/code/id tuples. */
  readonly icmp?: { readonly type: number; readonly code: number; readonly id: number };
}

/** One entry of `conntrack -L` or /proc/net/nf_conntrack. */
export interface ConntrackEntry {
  readonly locator: Locator;
  readonly family: 'ipv4' | 'ipv6';
  readonly protocol: string;
  readonly protocolNumber: number;
  /** Seconds left before the entry expires, when printed. */
  readonly timeoutSec?: number;
  readonly tcpState?: ConntrackTcpState;
  readonly original: ConntrackTuple;
  readonly reply: ConntrackTuple;
  readonly assured: boolean;
  /** `[UNREPLIED]`: no packet seen in the reply direction yet. */
  readonly unreplied: boolean;
  readonly mark?: number;
  readonly zone?: number;
  readonly use?: number;
  readonly id?: number;
  readonly counters?: {
    readonly original?: { readonly packets: number; readonly bytes: number };
    readonly reply?: { readonly packets: number; readonly bytes: number };
  };
}

/** One line of `conntrack -E`, with its time when `-o timestamp` was used. */
export interface ConntrackEvent extends ConntrackEntry {
  readonly type: 'NEW' | 'UPDATE' | 'DESTROY';
  readonly timeUs?: number;
}

/** `conntrack -S` or /proc/net/stat/nf_conntrack: per-CPU counters and their sums. */
export interface ConntrackStats {
  readonly locator: Locator;
  readonly perCpu: readonly {
    readonly cpu: number;
    readonly counters: Readonly<Record<string, number>>;
  }[];
  /** Sums over CPUs of every counter (found, invalid, insert_failed, drop, early_drop, …). */
  readonly totals: Readonly<Record<string, number>>;
  /** From `conntrack -C` or the `entries` column, when present. */
  readonly entries?: number;
}
