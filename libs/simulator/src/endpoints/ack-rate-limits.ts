import { TcpFlag } from '@netmortem/domain';
import { CHALLENGE_ACK_UNLIMITED } from './endpoint-settings.js';
import { hasFlag, type EndpointSegment } from './tcp-segment.js';

/** Per-socket memory of the last out-of-window/challenge ACK (tp->last_oow_ack_time). */
export interface OowAckMemory {
  lastOowAckUs?: number;
}

/**
 * The per-socket limit on ACKs sent for unacceptable segments (tcp_invalid_ratelimit):
 * within the gap after the previous one, the next is skipped. Sending records the time.
 * Returns true when the ACK must be skipped.
 */
export function oowAckLimited(memory: OowAckMemory, nowUs: number, gapMs: number): boolean {
  const last = memory.lastOowAckUs;
  if (last !== undefined) {
    const elapsed = nowUs - last;
    if (elapsed >= 0 && elapsed < gapMs * 1000) return true;
  }
  memory.lastOowAckUs = nowUs;
  return false;
}

/**
 * Same limit as applied to duplicate ACKs for out-of-window segments: segments that carry
 * data (or FIN) without SYN cannot be part of an ACK loop and are always answered, and
 * they do not touch the memory.
 */
export function dupAckLimited(
  memory: OowAckMemory,
  segment: EndpointSegment,
  nowUs: number,
  gapMs: number,
): boolean {
  const occupiesSequence = segment.payloadLength > 0 || hasFlag(segment, TcpFlag.FIN);
  if (occupiesSequence && !hasFlag(segment, TcpFlag.SYN)) return false;
  return oowAckLimited(memory, nowUs, gapMs);
}

/**
 * The RFC 5961 section 7 throttle shared by every socket of the host (per network
 * namespace since 6.0, one for the whole machine before: other namespaces' traffic, which
 * this model does not see, may drain it). Each new second refills the budget: a fixed
 * `limit` until 4.6, a random count in [limit/2, limit*1.5) since 4.7. At INT_MAX the
 * throttle is off.
 */
export class ChallengeAckBudget {
  private second = Number.NaN;
  private remaining = 0;

  constructor(
    private readonly limit: number,
    /** Seeded randomness for the per-second count; without it the mean (`limit`) is used. */
    private readonly random?: () => number,
  ) {}

  get unlimited(): boolean {
    return this.limit >= CHALLENGE_ACK_UNLIMITED;
  }

  /** Takes one challenge ACK from the budget; false when none is left this second. */
  take(nowUs: number): boolean {
    if (this.unlimited) return true;
    const second = Math.floor(nowUs / 1_000_000);
    if (second !== this.second) {
      this.second = second;
      this.remaining = this.refill();
    }
    if (this.remaining <= 0) return false;
    this.remaining -= 1;
    return true;
  }

  private refill(): number {
    const limit = Math.max(0, this.limit);
    if (!this.random) return limit;
    const half = Math.floor((limit + 1) / 2);
    return half + Math.floor(this.random() * limit);
  }
}
