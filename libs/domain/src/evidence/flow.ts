import type { Locator } from '../artifact/locator.js';
import type { Endpoint } from './endpoint.js';

export type FlowDirection = 'client-to-server' | 'server-to-client';

/**
 * What flow analysis reports. Names follow Wireshark's expert info where one exists, so
 * people recognise them; the rest are the shapes these incidents leave behind.
 */
export const FLOW_ANOMALY_KINDS = [
  'retransmission',
  'fast-retransmission',
  'spurious-retransmission',
  'syn-retransmission',
  'out-of-order',
  'previous-segment-not-captured',
  'ack-of-unseen-segment',
  'duplicate-ack',
  'zero-window',
  'zero-window-probe',
  'window-full',
  'rst',
  'rst-ack',
  'challenge-ack',
  'half-close',
  'data-after-fin',
  'idle-gap',
  'keepalive',
  'keepalive-ack',
  'port-reuse',
  'icmp-error',
  'unanswered-syn',
  'refused',
] as const;

export type FlowAnomalyKind = (typeof FLOW_ANOMALY_KINDS)[number];

export interface FlowAnomaly {
  readonly kind: FlowAnomalyKind;
  readonly direction: FlowDirection;
  /** The packet that shows it. */
  readonly locator: Locator;
  readonly timeUs: number;
  /** One line a person can read, e.g. "RST (no ACK) 12 ms after the client's FIN". */
  readonly note: string;
  /** The packet this one answers or repeats (what a RST answered, the original of a retransmission). */
  readonly relatedPacket?: number;
  /** For idle gaps and similar: the interval measured, in microseconds. */
  readonly intervalUs?: number;
}

export interface FlowHalf {
  readonly packets: number;
  readonly payloadBytes: number;
  readonly initialSeq?: number;
  readonly windowScale?: number;
  readonly mss?: number;
  readonly sackPermitted?: boolean;
  readonly finPacket?: number;
  readonly rstPacket?: number;
}

export type FlowCloseKind =
  | 'open'
  | 'fin-both'
  | 'fin-client-only'
  | 'fin-server-only'
  | 'rst-by-client'
  | 'rst-by-server'
  | 'refused'
  | 'unanswered';

export interface FlowCloseEvent {
  readonly flag: 'FIN' | 'RST';
  readonly direction: FlowDirection;
  readonly packet: number;
  readonly timeUs: number;
}

/** One TCP (or UDP) conversation in one capture, both directions. */
export interface Flow {
  /** Stable within an analysis: `<capture>#<n>`. */
  readonly id: string;
  readonly capture: string;
  readonly protocol: 'tcp' | 'udp';
  /** The SYN sender; for flows picked up mid-stream, inferred (the ephemeral-port side). */
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly clientInferred: boolean;
  readonly firstPacket: number;
  readonly lastPacket: number;
  readonly firstUs: number;
  readonly lastUs: number;
  readonly packets: number;
  readonly handshake: {
    readonly synPacket?: number;
    readonly synAckPacket?: number;
    readonly ackPacket?: number;
    readonly complete: boolean;
    readonly rttUs?: number;
  };
  readonly toServer: FlowHalf;
  readonly toClient: FlowHalf;
  readonly close: { readonly kind: FlowCloseKind; readonly events: readonly FlowCloseEvent[] };
  readonly anomalies: readonly FlowAnomaly[];
  /** Counts per kind, including anomalies not kept in `anomalies` once its cap is reached. */
  readonly anomalyCounts: Readonly<Partial<Record<FlowAnomalyKind, number>>>;
}

/**
 * The same connection seen in two captures (e.g. pod side and node side of a NAT), with
 * what the translation did to it.
 */
export interface FlowCorrelation {
  readonly flowA: string;
  readonly flowB: string;
  /** How they were matched: TCP initial sequence numbers, IP ids, payload lengths and timing. */
  readonly matchedBy: string;
  readonly translation: {
    readonly client?: { readonly from: Endpoint; readonly to: Endpoint };
    readonly server?: { readonly from: Endpoint; readonly to: Endpoint };
  };
  /** Packets present in A whose counterpart in B was not translated (or is missing). */
  readonly untranslatedPackets: readonly { readonly packet: number; readonly note: string }[];
}
