import { TcpFlag } from '@netmortem/domain';
import { ackFrom, noResponse, resetFor, type SegmentResponse } from './segment-response.js';
import { duplicateAck, type ProcessContext } from './socket-replies.js';
import { hasFlag, segmentEnd, type EndpointSegment } from './tcp-segment.js';
import { seqAdd, seqAfter, seqBefore, seqDiff } from './tcp-sequence.js';
import type { TimeWaitSocket } from './tcp-socket.js';

export interface TimeWaitOutcome {
  readonly response: SegmentResponse;
  /**
   * keep: the timewait socket stays; remove: it is gone; reopen: a new SYN may start a new
   * connection: the host hands it to a listener with `isn`, or sends `response` (the TW
   * ACK) when there is none.
   */
  readonly transition: 'keep' | 'remove' | 'reopen';
  /** Initial sequence number Linux picks for the reopened connection (tw snd_nxt + 65537). */
  readonly isn?: number;
  readonly note?: string;
}

/** Linux's in-window test for mini sockets: the segment starts at or overlaps the window. */
export function inWindow(seq: number, end: number, start: number, stop: number): boolean {
  if (seq === start) return true;
  if (seqAfter(end, start) && seqBefore(seq, stop)) return true;
  return seq === stop && seq === end;
}

/**
 * A segment meets a timewait socket: the orphaned FIN-WAIT-2 form repeats the full
 * socket's checks in small, the TIME-WAIT form implements RFC 1122's reopen rule and RFC
 * 1337's assassination question (tcp_rfc1337).
 */
export function processTimeWait(
  tw: TimeWaitSocket,
  segment: EndpointSegment,
  ctx: ProcessContext,
): TimeWaitOutcome {
  const learned = learnUnknowns(tw, segment);
  const outcome =
    tw.substate === 'FIN_WAIT2'
      ? finWait2(tw, segment, ctx)
      : timeWait(tw, segment, ctx, learned !== undefined);
  const note = [learned, outcome.note].filter((n) => n !== undefined).join('; ');
  return note === '' ? outcome : { ...outcome, note };
}

/** Seeded from `ss`, a timewait socket has no sequence numbers: take them from the peer. */
function learnUnknowns(tw: TimeWaitSocket, segment: EndpointSegment): string | undefined {
  const notes: string[] = [];
  const syn = hasFlag(segment, TcpFlag.SYN);
  if (tw.rcvNxt === undefined && !syn && !hasFlag(segment, TcpFlag.RST)) {
    // The peer's last segment was usually its FIN: a retransmission ends at RCV.NXT.
    tw.rcvNxt = hasFlag(segment, TcpFlag.FIN) ? segmentEnd(segment) : segment.seq;
    notes.push('receive sequence of the timewait socket was unknown: taken from this segment');
  }
  if (tw.sndNxt === undefined && hasFlag(segment, TcpFlag.ACK) && !syn) {
    tw.sndNxt = segment.ack;
    notes.push('send sequence was unknown: taken from this segment’s ACK');
  }
  return notes.length > 0 ? notes.join('; ') : undefined;
}

function pawsRejects(tw: TimeWaitSocket, segment: EndpointSegment): boolean {
  if (hasFlag(segment, TcpFlag.RST)) return false;
  if (tw.tsRecent === undefined || segment.timestamp === undefined) return false;
  return seqDiff(segment.timestamp.value, tw.tsRecent) < 0;
}

function twAck(tw: TimeWaitSocket, reason: string): SegmentResponse {
  return ackFrom('ACK', tw.sndNxt, tw.rcvNxt, reason);
}

function finWait2(
  tw: TimeWaitSocket,
  segment: EndpointSegment,
  ctx: ProcessContext,
): TimeWaitOutcome {
  const rcvNxt = tw.rcvNxt;
  const end = segmentEnd(segment);
  const rst = hasFlag(segment, TcpFlag.RST);
  const syn = hasFlag(segment, TcpFlag.SYN);
  if (rcvNxt === undefined) {
    // Only a SYN or RST can get here without a learned RCV.NXT.
    if (rst)
      return {
        response: noResponse('RST ends the orphaned FIN-WAIT-2 socket'),
        transition: 'remove',
        note: 'sequence unknown: RST assumed in window',
      };
    return {
      response: resetFor(segment, 'SYN on an orphaned FIN-WAIT-2 socket: RST'),
      transition: 'remove',
      note: 'sequence unknown: SYN assumed at or after RCV.NXT',
    };
  }
  if (
    pawsRejects(tw, segment) ||
    !inWindow(segment.seq, end, rcvNxt, seqAdd(rcvNxt, tw.rcvWindow))
  ) {
    return {
      response: duplicateAck(
        tw,
        segment,
        ctx,
        'segment outside the window of an orphaned FIN-WAIT-2 socket: ACK',
      ),
      transition: 'keep',
    };
  }
  if (rst)
    return {
      response: noResponse('RST in window ends the orphaned FIN-WAIT-2 socket'),
      transition: 'remove',
    };
  if (syn && !seqBefore(segment.seq, rcvNxt)) {
    return {
      response: resetFor(segment, 'SYN in the window of an orphaned FIN-WAIT-2 socket: RST'),
      transition: 'remove',
    };
  }
  const ack = hasFlag(segment, TcpFlag.ACK);
  if (!ack || !seqAfter(end, rcvNxt) || end === segment.seq) {
    return {
      response: noResponse('nothing new for an orphaned FIN-WAIT-2 socket: dropped'),
      transition: 'keep',
    };
  }
  if (!hasFlag(segment, TcpFlag.FIN) || end !== seqAdd(rcvNxt, 1)) {
    return {
      response: resetFor(segment, 'data after close() reached an orphaned FIN-WAIT-2 socket: RST'),
      transition: 'remove',
    };
  }
  tw.substate = 'TIME_WAIT';
  tw.rcvNxt = end;
  tw.expiresUs = ctx.nowUs + ctx.settings.timeWaitSec * 1_000_000;
  if (segment.timestamp) tw.tsRecent = segment.timestamp.value;
  return {
    response: twAck(tw, 'peer FIN on an orphaned FIN-WAIT-2 socket: ACK, TIME-WAIT begins'),
    transition: 'keep',
  };
}

function timeWait(
  tw: TimeWaitSocket,
  segment: EndpointSegment,
  ctx: ProcessContext,
  sequenceWasUnknown: boolean,
): TimeWaitOutcome {
  const rst = hasFlag(segment, TcpFlag.RST);
  const syn = hasFlag(segment, TcpFlag.SYN);
  const ack = hasFlag(segment, TcpFlag.ACK);
  const paws = pawsRejects(tw, segment);
  const rcvNxt = tw.rcvNxt;
  const restart = () => {
    tw.expiresUs = ctx.nowUs + ctx.settings.timeWaitSec * 1_000_000;
  };

  const exact = rcvNxt === undefined ? rst : segment.seq === rcvNxt;
  if (!paws && exact && (segmentEnd(segment) === segment.seq || rst)) {
    if (segment.timestamp) tw.tsRecent = segment.timestamp.value;
    const assumed = rcvNxt === undefined ? 'sequence unknown: RST assumed at RCV.NXT' : undefined;
    if (rst) {
      if (!ctx.settings.rfc1337) {
        return {
          response: noResponse('RST at RCV.NXT ends TIME-WAIT early (tcp_rfc1337=0)'),
          transition: 'remove',
          ...(assumed ? { note: assumed } : {}),
        };
      }
      return {
        response: noResponse('RST ignored in TIME-WAIT (tcp_rfc1337=1)'),
        transition: 'keep',
      };
    }
    restart();
    return {
      response: noResponse('bare ACK at RCV.NXT restarts the TIME-WAIT timer'),
      transition: 'keep',
    };
  }

  const newerTimestamp =
    segment.timestamp !== undefined &&
    tw.tsRecent !== undefined &&
    seqDiff(tw.tsRecent, segment.timestamp.value) < 0;
  if (
    syn &&
    !rst &&
    !ack &&
    !paws &&
    (rcvNxt === undefined || seqAfter(segment.seq, rcvNxt) || newerTimestamp)
  ) {
    const isn = tw.sndNxt === undefined ? undefined : seqAdd(tw.sndNxt, 65535 + 2) || 1;
    const why =
      rcvNxt === undefined
        ? 'new SYN on a TIME-WAIT socket whose sequence is unknown: assumed newer, connection reopened'
        : seqAfter(segment.seq, rcvNxt)
          ? 'new SYN above RCV.NXT reopens the TIME-WAIT connection (RFC 1122)'
          : 'new SYN with a newer timestamp reopens the TIME-WAIT connection';
    return {
      response: twAck(tw, `${why}; no listener: the TIME-WAIT socket answers with an ACK`),
      transition: 'reopen',
      ...(isn !== undefined ? { isn } : {}),
      ...(sequenceWasUnknown ? { note: 'sequence learned from this segment' } : {}),
    };
  }

  if (rst)
    return { response: noResponse('RST outside RCV.NXT ignored in TIME-WAIT'), transition: 'keep' };
  if (paws || ack) restart();
  const why = syn
    ? 'old or duplicate SYN on a TIME-WAIT socket: ACK (TW ACK)'
    : hasFlag(segment, TcpFlag.FIN)
      ? 'retransmitted FIN in TIME-WAIT: ACK again, timer restarted'
      : 'segment on a TIME-WAIT socket: ACK (TW ACK)';
  return { response: duplicateAck(tw, segment, ctx, why), transition: 'keep' };
}
