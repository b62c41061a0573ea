import type { CtDirection, CtInfo, TcpConntrackState } from '@netmortem/simulator';

/** What the real kernel did with one injected segment. */
export interface KernelPacketVerdict {
  readonly index: number;
  /** `MISSING`: the router never logged it (lost on the way: the run is not trustworthy). */
  readonly ctinfo: CtInfo | 'MISSING';
  readonly direction?: CtDirection;
  /** TCP state of its entry afterwards, from the conntrack event it caused. */
  readonly stateAfter?: TcpConntrackState;
  /** Seconds left on the entry's timer after it (the timeout this packet armed). */
  readonly timeoutSec?: number;
  /** Conntrack id of the entry its event named. */
  readonly entryId?: number;
  /** Destination after NAT, for client-to-server segments the router passed on. */
  readonly natDestination?: { readonly address: string; readonly port: number };
  /** Source after NAT (the same, unless the kernel rewrote the port to keep tuples unique). */
  readonly natSource?: { readonly address: string; readonly port: number };
  /** Scheduled send time and the time the router logged it, µs from the start of the batch. */
  readonly sentUs: number;
  readonly loggedUs?: number;
}

export interface KernelSequenceVerdicts {
  readonly sequenceId: string;
  readonly packets: readonly KernelPacketVerdict[];
}

/** A whole run: what the fixture records. */
export interface KernelRun {
  readonly kernelRelease: string;
  readonly createdAt: string;
  readonly method: string;
  readonly suiteSeed: number;
  /** The router's conntrack TCP sysctls before any sequence changed them. */
  readonly baseSysctls: Readonly<Record<string, string>>;
  readonly sequences: readonly KernelSequenceVerdicts[];
  /** Problems of the run itself (lost log records, missing events), not disagreements. */
  readonly warnings: readonly string[];
  /** Things that only cost comparisons, e.g. conntrack events lost (fewer states compared). */
  readonly notes?: readonly string[];
}
