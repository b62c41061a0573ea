import {
  type ChallengeAckBudget,
  dupAckLimited,
  oowAckLimited,
  type OowAckMemory,
} from './ack-rate-limits.js';
import type { EndpointSettings } from './endpoint-settings.js';
import { ackFrom, noResponse, type SegmentResponse } from './segment-response.js';
import type { EndpointSegment } from './tcp-segment.js';

/** What every segment processor needs besides the socket and the segment. */
export interface ProcessContext {
  readonly settings: EndpointSettings;
  readonly challengeBudget: ChallengeAckBudget;
  readonly nowUs: number;
}

interface AckingSocket extends OowAckMemory {
  sndNxt?: number;
  rcvNxt?: number;
}

/**
 * An RFC 5961 challenge ACK: first the socket's own limit (tcp_invalid_ratelimit), then
 * the host/netns budget (tcp_challenge_ack_limit). Either can swallow it.
 */
export function challengeAck(
  socket: AckingSocket,
  ctx: ProcessContext,
  reason: string,
): SegmentResponse {
  const gap = ctx.settings.invalidRateLimitMs;
  if (oowAckLimited(socket, ctx.nowUs, gap)) {
    return noResponse(
      `${reason}; not sent: another challenge/out-of-window ACK left this socket less than ${gap} ms ago (tcp_invalid_ratelimit)`,
      'per-socket',
    );
  }
  if (!ctx.challengeBudget.take(ctx.nowUs)) {
    return noResponse(
      `${reason}; not sent: tcp_challenge_ack_limit (${ctx.settings.challengeAckLimit}/s) is used up this second`,
      'challenge-ack-limit',
    );
  }
  return ackFrom('CHALLENGE_ACK', socket.sndNxt, socket.rcvNxt, reason);
}

/** A duplicate ACK for an unacceptable segment, under the per-socket limit. */
export function duplicateAck(
  socket: AckingSocket,
  segment: EndpointSegment,
  ctx: ProcessContext,
  reason: string,
): SegmentResponse {
  const gap = ctx.settings.invalidRateLimitMs;
  if (dupAckLimited(socket, segment, ctx.nowUs, gap)) {
    return noResponse(
      `${reason}; not sent: previous out-of-window ACK less than ${gap} ms ago (tcp_invalid_ratelimit)`,
      'per-socket',
    );
  }
  return ackFrom('ACK', socket.sndNxt, socket.rcvNxt, reason);
}
