import { TcpFlag } from '@netmortem/domain';
import { hasFlag, segmentEnd, type EndpointSegment } from './tcp-segment.js';

export type SegmentResponseKind =
  | 'RST'
  | 'RST_ACK'
  | 'SYN_ACK'
  | 'ACK'
  | 'CHALLENGE_ACK'
  | 'NONE'
  /** Only from close()/shutdownWrite(): the FIN the application's close sends. */
  | 'FIN_ACK';

/** Why an answer that the stack wanted to send was not sent. */
export type RateLimit = 'per-socket' | 'challenge-ack-limit';

export interface SegmentResponse {
  readonly kind: SegmentResponseKind;
  /** TcpFlag bits of the answer (0 for NONE). */
  readonly flags: number;
  readonly seq: number;
  readonly ack: number;
  readonly reason: string;
  /**
   * Fields the model could not know (the socket was seeded from `ss`, or its first
   * packets were not seen); their value is then 0 and must not be compared.
   */
  readonly unknown?: readonly ('seq' | 'ack')[];
  /** An ACK the kernel may hold back (delayed ACK) or fold into the next data segment. */
  readonly delayed?: boolean;
  /** Set when the answer was suppressed by a rate limit (kind is then NONE). */
  readonly rateLimited?: RateLimit;
}

export function noResponse(reason: string, rateLimited?: RateLimit): SegmentResponse {
  return rateLimited
    ? { kind: 'NONE', flags: 0, seq: 0, ack: 0, reason, rateLimited }
    : { kind: 'NONE', flags: 0, seq: 0, ack: 0, reason };
}

/**
 * The reset a host sends for a segment it has no use for (RFC 793 "Reset Generation"):
 * if the segment had an ACK the reset takes its sequence from SEG.ACK and carries no ACK;
 * otherwise it has sequence 0 and acknowledges everything the segment occupied. A RST is
 * never answered.
 */
export function resetFor(segment: EndpointSegment, reason: string): SegmentResponse {
  if (hasFlag(segment, TcpFlag.RST)) return noResponse(`${reason}; but a RST is never answered`);
  if (hasFlag(segment, TcpFlag.ACK)) {
    return { kind: 'RST', flags: TcpFlag.RST, seq: segment.ack, ack: 0, reason };
  }
  return {
    kind: 'RST_ACK',
    flags: TcpFlag.RST | TcpFlag.ACK,
    seq: 0,
    ack: segmentEnd(segment),
    reason,
  };
}

// Built field by field: this runs for most packets of a replay, spreads cost too much there.
function withUnknown(
  kind: SegmentResponseKind,
  flags: number,
  seq: number | undefined,
  ack: number | undefined,
  reason: string,
  delayed = false,
): SegmentResponse {
  const response: {
    kind: SegmentResponseKind;
    flags: number;
    seq: number;
    ack: number;
    reason: string;
    unknown?: ('seq' | 'ack')[];
    delayed?: boolean;
  } = { kind, flags, seq: seq ?? 0, ack: ack ?? 0, reason };
  if (seq === undefined || ack === undefined) {
    response.unknown = seq === undefined ? (ack === undefined ? ['seq', 'ack'] : ['seq']) : ['ack'];
  }
  if (delayed) response.delayed = true;
  return response;
}

/** A pure ACK from a socket: SND.NXT and RCV.NXT, either possibly unknown. */
export function ackFrom(
  kind: 'ACK' | 'CHALLENGE_ACK',
  seq: number | undefined,
  ack: number | undefined,
  reason: string,
  delayed = false,
): SegmentResponse {
  return withUnknown(kind, TcpFlag.ACK, seq, ack, reason, delayed);
}

export function synAckFrom(seq: number | undefined, ack: number, reason: string): SegmentResponse {
  return withUnknown('SYN_ACK', TcpFlag.SYN | TcpFlag.ACK, seq, ack, reason);
}

/** The RST|ACK a socket sends on its own (close with unread data, keepalive give-up). */
export function activeResetFrom(
  seq: number | undefined,
  ack: number | undefined,
  reason: string,
): SegmentResponse {
  return withUnknown('RST_ACK', TcpFlag.RST | TcpFlag.ACK, seq, ack, reason);
}

export function finFrom(
  seq: number | undefined,
  ack: number | undefined,
  reason: string,
): SegmentResponse {
  return withUnknown('FIN_ACK', TcpFlag.FIN | TcpFlag.ACK, seq, ack, reason);
}
