/**
 * The differential suite's unit of work: one TCP conversation between a client and a server
 * as the router in the middle sees it, segment by segment, with the conntrack sysctls and NAT
 * rules it runs under. Numbers are relative to each side's initial sequence number, so the
 * same sequence can be replayed with any ISN.
 */

export type SegmentDirection = 'c2s' | 's2c';

export interface SegmentOptions {
  readonly mss?: number;
  readonly windowScale?: number;
  readonly sackPermitted?: boolean;
  /** SACK blocks as [left, right), relative to the receiver's ISN (the side being acked). */
  readonly sackBlocks?: readonly (readonly [number, number])[];
  readonly timestamp?: { readonly value: number; readonly echo: number };
}

export interface SegmentSpec {
  readonly direction: SegmentDirection;
  /** TcpFlag bits from @netmortem/domain. */
  readonly flags: number;
  /** Relative to the sender's ISN (the SYN itself is 0). */
  readonly seq: number;
  /** Relative to the receiver's ISN; only meaningful with ACK set (0 otherwise). */
  readonly ack: number;
  readonly payloadLength: number;
  /** The raw 16-bit window field. */
  readonly window: number;
  readonly options: SegmentOptions;
  /** Time to wait after the previous segment of this sequence, in milliseconds. */
  readonly delayMs: number;
  /** Why this segment is here, for reports. */
  readonly note: string;
  /** s2c only: who answers when NAT moved the server (a DNAT backend, the REDIRECT target). */
  readonly replySource?: Endpoint;
}

/** One NAT rule in iptables-save syntax, for the `nat` table (without the table header). */
export interface NatSetup {
  /** e.g. `-A PREROUTING -d 10.77.2.2/32 -p tcp --dport 31000 -j REDIRECT --to-ports 15001`. */
  readonly rules: readonly string[];
  /** Destinations the first packet may be translated to (random mode: any of these). */
  readonly allowed: readonly { readonly address: string; readonly port: number }[];
  /** True when the choice is random: only membership in `allowed` is checked. */
  readonly random: boolean;
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface TcpSequence {
  /** Stable id, `<family>/<variant>-<n>`. */
  readonly id: string;
  readonly family: string;
  readonly description: string;
  readonly ipVersion: 4 | 6;
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly clientIsn: number;
  readonly serverIsn: number;
  /** Conntrack sysctls applied in the router for this sequence, keyed `net.netfilter.*`. */
  readonly sysctls: Readonly<Record<string, string>>;
  readonly nat?: NatSetup;
  /** raw table rules (iptables-save syntax, PREROUTING), e.g. `-j CT --notrack` for UNTRACKED. */
  readonly rawRules?: readonly string[];
  readonly segments: readonly SegmentSpec[];
}

/** Adds relative to absolute, wrapping at 2^32 as TCP does. */
export function absoluteSeq(isn: number, relative: number): number {
  return (isn + relative) >>> 0;
}

/** A canonical key of the sysctls: sequences sharing it can run in one batch. */
export function sysctlKey(sysctls: Readonly<Record<string, string>>): string {
  return Object.keys(sysctls)
    .sort()
    .map((key) => `${key}=${sysctls[key] ?? ''}`)
    .join(' ');
}

/** Total of the delays: how long the sequence takes at least. */
export function sequenceDurationMs(sequence: TcpSequence): number {
  return sequence.segments.reduce((sum, segment) => sum + segment.delayMs, 0);
}
