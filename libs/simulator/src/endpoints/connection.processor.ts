import { TcpFlag } from '@netmortem/domain';
import {
  ackFrom,
  noResponse,
  resetFor,
  synAckFrom,
  type SegmentResponse,
} from './segment-response.js';
import { challengeAck, duplicateAck, type ProcessContext } from './socket-replies.js';
import { hasFlag, segmentEnd, type EndpointSegment } from './tcp-segment.js';
import { seqAdd, seqAfter, seqBefore, seqDiff } from './tcp-sequence.js';
import type { FullSocket, TcpSocketState, TimeWaitSocket } from './tcp-socket.js';

export type FullTransition =
  | { readonly kind: 'keep' }
  | { readonly kind: 'remove' }
  | { readonly kind: 'time-wait'; readonly socket: TimeWaitSocket };

export interface FullOutcome {
  readonly response: SegmentResponse;
  readonly transition: FullTransition;
  readonly notes: readonly string[];
}

const KEEP: FullTransition = { kind: 'keep' };
const REMOVE: FullTransition = { kind: 'remove' };
const TIME_WAIT_SEC_FLOOR_US = 700_000; // tcp_fin_time never goes below 3.5 RTO (200 ms min)

/** A segment meets a full socket (any state from SYN_SENT to LAST_ACK). */
export function processFullSocket(
  socket: FullSocket,
  segment: EndpointSegment,
  ctx: ProcessContext,
): FullOutcome {
  const notes: string[] = [];
  const outcome =
    socket.state === 'SYN_SENT'
      ? synSent(socket, segment, ctx, notes)
      : synchronized(socket, segment, ctx, notes);
  return { response: outcome.response, transition: outcome.transition, notes };
}

type Partial = Omit<FullOutcome, 'notes'>;

function done(response: SegmentResponse, transition: FullTransition = KEEP): Partial {
  return { response, transition };
}

function acceptPeerWindow(socket: FullSocket, segment: EndpointSegment, isSyn: boolean): void {
  const scale = isSyn ? 0 : (socket.sndWscale ?? 0);
  const bytes = segment.window * 2 ** scale;
  socket.maxWindow = Math.max(socket.maxWindow ?? 0, bytes);
}

function received(socket: FullSocket, ctx: ProcessContext, segment?: EndpointSegment): void {
  socket.lastReceivedUs = ctx.nowUs;
  socket.keepaliveProbesOut = 0;
  const ts = segment?.timestamp;
  if (ts && (socket.tsRecent === undefined || seqDiff(ts.value, socket.tsRecent) >= 0)) {
    socket.tsRecent = ts.value;
  }
}

function synSent(
  socket: FullSocket,
  segment: EndpointSegment,
  ctx: ProcessContext,
  notes: string[],
): Partial {
  const ack = hasFlag(segment, TcpFlag.ACK);
  const rst = hasFlag(segment, TcpFlag.RST);
  const syn = hasFlag(segment, TcpFlag.SYN);
  if (ack) {
    if (socket.sndUna !== undefined && socket.sndNxt !== undefined) {
      if (!seqAfter(segment.ack, socket.sndUna) || seqAfter(segment.ack, socket.sndNxt)) {
        return done(
          resetFor(
            segment,
            'SYN-SENT socket got an ACK that does not acknowledge its SYN: RST (RFC 793)',
          ),
        );
      }
    } else {
      notes.push('our SYN was not seen: the ACK is assumed to acknowledge it');
    }
    if (rst) {
      socket.state = 'CLOSED';
      return done(noResponse('RST acknowledging our SYN: connection refused'), REMOVE);
    }
    if (!syn) return done(noResponse('SYN-SENT ignores an ACK without SYN'));
    socket.irs = segment.seq;
    socket.rcvNxt = seqAdd(segment.seq, 1);
    socket.rcvKnowledge = 'observed';
    socket.sndUna = segment.ack;
    if (socket.sndNxt === undefined) {
      socket.sndNxt = segment.ack;
      socket.sndKnowledge = 'inferred';
    }
    if (segment.windowScale !== undefined) socket.sndWscale = segment.windowScale;
    acceptPeerWindow(socket, segment, true);
    if (segment.timestamp) socket.tsRecent = segment.timestamp.value;
    socket.state = 'ESTABLISHED';
    received(socket, ctx);
    return done(
      ackFrom('ACK', socket.sndNxt, socket.rcvNxt, 'SYN-ACK accepted: the handshake ACK'),
    );
  }
  if (rst) return done(noResponse('RST without ACK is ignored in SYN-SENT'));
  if (syn) {
    socket.state = 'SYN_RECV';
    socket.irs = segment.seq;
    socket.rcvNxt = seqAdd(segment.seq, 1);
    socket.rcvKnowledge = 'observed';
    acceptPeerWindow(socket, segment, true);
    received(socket, ctx);
    return done(synAckFrom(socket.iss, socket.rcvNxt, 'crossed SYNs (simultaneous open): SYN-ACK'));
  }
  return done(noResponse('SYN-SENT drops a segment with neither SYN nor RST'));
}

/** RFC 5961 3.2 extension: after the peer's FIN, RCV.NXT - 1 also resets. */
function resetAtFinSequence(socket: FullSocket, seq: number): boolean {
  if (socket.rcvNxt === undefined) return false;
  const afterPeerFin =
    socket.state === 'CLOSE_WAIT' || socket.state === 'LAST_ACK' || socket.state === 'CLOSING';
  return afterPeerFin && seq === seqAdd(socket.rcvNxt, -1);
}

function reset(socket: FullSocket, why: string): Partial {
  socket.state = 'CLOSED';
  return done(noResponse(why), REMOVE);
}

function synchronized(
  socket: FullSocket,
  segment: EndpointSegment,
  ctx: ProcessContext,
  notes: string[],
): Partial {
  const ack = hasFlag(segment, TcpFlag.ACK);
  const rst = hasFlag(segment, TcpFlag.RST);
  const syn = hasFlag(segment, TcpFlag.SYN);
  const fin = hasFlag(segment, TcpFlag.FIN);
  if (!ack && !rst && !syn)
    return done(noResponse('segment with none of ACK, RST, SYN is dropped'));

  if (socket.rcvNxt === undefined && !syn && !rst) {
    socket.rcvNxt = segment.seq;
    socket.rcvKnowledge = 'inferred';
    notes.push(
      'receive sequence was unknown (socket seeded or its start not seen): taken from this segment',
    );
  }
  if (socket.sndUna === undefined && ack && !syn) {
    socket.sndUna = segment.ack;
    socket.sndNxt ??= segment.ack;
    socket.sndKnowledge = 'inferred';
    notes.push('send sequence was unknown: taken from this segment’s ACK');
  }

  // PAWS (RFC 7323): an older timestamp marks an old duplicate.
  if (
    !rst &&
    segment.timestamp !== undefined &&
    socket.tsRecent !== undefined &&
    seqDiff(segment.timestamp.value, socket.tsRecent) < 0
  ) {
    if (syn)
      return done(
        challengeAck(socket, ctx, 'SYN failing PAWS on a synchronized socket: challenge ACK'),
      );
    return done(
      duplicateAck(socket, segment, ctx, 'segment failing PAWS (old timestamp): duplicate ACK'),
    );
  }

  const rcvNxt = socket.rcvNxt;
  if (rcvNxt === undefined) {
    // Only SYN or RST arrive here with RCV.NXT still unknown.
    notes.push('receive sequence unknown: the window test could not be made');
    if (rst) return reset(socket, 'RST assumed at RCV.NXT: connection reset');
    return done(
      challengeAck(socket, ctx, `SYN on a ${socket.state} socket: challenge ACK (RFC 5961 4.2)`),
    );
  }

  const end = segmentEnd(segment);
  const acceptable =
    !seqBefore(end, rcvNxt) && !seqAfter(segment.seq, seqAdd(rcvNxt, socket.rcvWindow));
  if (!acceptable) {
    if (socket.rcvWindowAssumed)
      notes.push(`receive window not seen: assumed ${socket.rcvWindow} bytes`);
    if (rst) {
      if (resetAtFinSequence(socket, segment.seq))
        return reset(socket, 'RST at RCV.NXT-1 after the peer’s FIN: connection reset');
      return done(noResponse('RST outside the receive window is ignored'));
    }
    if (syn) {
      return done(
        challengeAck(
          socket,
          ctx,
          `out-of-window SYN on a ${socket.state} socket: challenge ACK (RFC 5961 4.2)`,
        ),
      );
    }
    return done(
      duplicateAck(
        socket,
        segment,
        ctx,
        'segment outside the receive window: duplicate ACK (RFC 793)',
      ),
    );
  }

  if (rst) {
    if (segment.seq === rcvNxt || resetAtFinSequence(socket, segment.seq)) {
      return reset(socket, 'RST at RCV.NXT: connection reset');
    }
    return done(
      challengeAck(
        socket,
        ctx,
        'RST inside the window but not at RCV.NXT: challenge ACK (RFC 5961 3.2)',
      ),
    );
  }
  if (syn) {
    return done(
      challengeAck(socket, ctx, `SYN on a ${socket.state} socket: challenge ACK (RFC 5961 4.2)`),
    );
  }

  const ackStep = processAck(socket, segment, ctx, notes);
  if (ackStep) return ackStep;
  received(socket, ctx, segment);
  if (socket.state === 'LAST_ACK' && finAcked(socket, segment, notes)) {
    return reset(socket, 'ACK of our FIN in LAST-ACK: connection closed');
  }
  if (socket.state === 'CLOSING' && finAcked(socket, segment, notes)) {
    return done(noResponse('ACK of our FIN in CLOSING: TIME-WAIT begins'), {
      kind: 'time-wait',
      socket: toTimeWait(socket, 'TIME_WAIT', ctx.nowUs + ctx.settings.timeWaitSec * 1_000_000),
    });
  }
  if (socket.state === 'FIN_WAIT1' && finAcked(socket, segment, notes)) {
    socket.state = 'FIN_WAIT2';
    if (socket.orphan) {
      const orphaned = orphanFinWait2(socket, segment, ctx);
      if (orphaned) return orphaned;
    }
  }
  return dataStep(socket, segment, ctx, fin);
}

/** Step 5 of RFC 793 "segment arrives", with Linux's answers; undefined = carry on. */
function processAck(
  socket: FullSocket,
  segment: EndpointSegment,
  ctx: ProcessContext,
  notes: string[],
): Partial | undefined {
  const established = socket.state === 'ESTABLISHED';
  const sndUna = socket.sndUna;
  const sndNxt = socket.sndNxt;
  if (sndUna === undefined || sndNxt === undefined) return undefined;
  if (seqBefore(segment.ack, sndUna)) {
    const tooOld =
      socket.maxWindow !== undefined && seqBefore(segment.ack, seqAdd(sndUna, -socket.maxWindow));
    if (socket.state === 'SYN_RECV')
      return done(resetFor(segment, 'unacceptable ACK in SYN-RECV: RST'));
    if (tooOld) {
      return done(
        challengeAck(socket, ctx, 'ACK below SND.UNA - MAX.SND.WND: challenge ACK (RFC 5961 5.2)'),
      );
    }
    if (!established) {
      return done(challengeAck(socket, ctx, `old ACK in ${socket.state}: challenge ACK`));
    }
    return undefined; // an old ACK on an established socket: the data still counts
  }
  if (seqAfter(segment.ack, sndNxt)) {
    if (socket.sndKnowledge !== 'observed') {
      socket.sndNxt = segment.ack;
      socket.sndUna = segment.ack;
      notes.push('the ACK covers more than the model saw us send: SND.NXT moved up to it');
      return undefined;
    }
    if (socket.state === 'SYN_RECV')
      return done(resetFor(segment, 'ACK of unsent data in SYN-RECV: RST'));
    if (established) return done(noResponse('ACK for data never sent: segment discarded'));
    return done(
      challengeAck(socket, ctx, `ACK for data never sent in ${socket.state}: challenge ACK`),
    );
  }
  socket.sndUna = segment.ack;
  acceptPeerWindow(socket, segment, false);
  if (socket.state === 'SYN_RECV') socket.state = 'ESTABLISHED';
  return undefined;
}

function finAcked(socket: FullSocket, segment: EndpointSegment, notes: string[]): boolean {
  if (socket.finSeq === undefined) {
    notes.push('our FIN was not seen: assumed acknowledged by this ACK');
    return true;
  }
  return !seqBefore(segment.ack, seqAdd(socket.finSeq, 1));
}

/**
 * Our FIN was just acknowledged on a socket nobody holds any more: the FIN-WAIT-2 timeout
 * (tcp_fin_timeout) starts. Up to 60 s Linux shrinks it to a timewait socket at once;
 * above, it stays a full socket for (timeout - 60 s) and then becomes a timewait socket
 * for that same length again (how tcp_keepalive_timer re-arms it).
 */
function orphanFinWait2(
  socket: FullSocket,
  segment: EndpointSegment,
  ctx: ProcessContext,
): Partial | undefined {
  if (newDataBeyond(socket, segment)) {
    return abortOnData(socket, segment);
  }
  const timeoutUs = Math.max(ctx.settings.finTimeoutSec * 1_000_000, TIME_WAIT_SEC_FLOOR_US);
  const timeWaitUs = ctx.settings.timeWaitSec * 1_000_000;
  if (timeoutUs > timeWaitUs) {
    socket.fullUntilUs = ctx.nowUs + timeoutUs - timeWaitUs;
    socket.orphanDeadlineUs = socket.fullUntilUs + (timeoutUs - timeWaitUs);
    return undefined;
  }
  if (hasFlag(segment, TcpFlag.FIN)) {
    socket.orphanDeadlineUs = ctx.nowUs + timeoutUs;
    return undefined;
  }
  return done(
    noResponse('ACK of our FIN on a closed socket: orphaned FIN-WAIT-2 (tcp_fin_timeout)'),
    {
      kind: 'time-wait',
      socket: toTimeWait(socket, 'FIN_WAIT2', ctx.nowUs + timeoutUs),
    },
  );
}

/** True when the segment carries data (or a FIN after data) beyond RCV.NXT. */
function newDataBeyond(socket: FullSocket, segment: EndpointSegment): boolean {
  if (socket.rcvNxt === undefined) return false;
  const fin = hasFlag(segment, TcpFlag.FIN) ? 1 : 0;
  const end = segmentEnd(segment);
  return end !== segment.seq && seqAfter(seqAdd(end, -fin), socket.rcvNxt);
}

function abortOnData(socket: FullSocket, segment: EndpointSegment): Partial {
  socket.state = 'CLOSED';
  return done(
    resetFor(
      segment,
      'data arrived after close(): the socket is aborted with RST (RFC 1122 4.2.2.13)',
    ),
    REMOVE,
  );
}

/** Step 7: the segment's text and FIN. */
function dataStep(
  socket: FullSocket,
  segment: EndpointSegment,
  ctx: ProcessContext,
  fin: boolean,
): Partial {
  const rcvNxt = socket.rcvNxt!;
  const end = segmentEnd(segment);
  const carries = end !== segment.seq;
  if (!carries) return done(noResponse('pure ACK: nothing to answer'));

  const peerFinSeen =
    socket.state === 'CLOSE_WAIT' || socket.state === 'CLOSING' || socket.state === 'LAST_ACK';
  if (peerFinSeen && !seqBefore(segment.seq, rcvNxt)) {
    return done(noResponse('data or FIN after the peer’s FIN is ignored'));
  }
  const shutDownForReading = socket.orphan;
  if (shutDownForReading && newDataBeyond(socket, segment)) {
    return abortOnData(socket, segment);
  }

  if (seqAfter(segment.seq, rcvNxt)) {
    return done(
      ackFrom(
        'ACK',
        socket.sndNxt,
        rcvNxt,
        'out-of-order segment: immediate duplicate ACK (with SACK)',
      ),
    );
  }
  if (!seqAfter(end, rcvNxt)) {
    return done(
      ackFrom(
        'ACK',
        socket.sndNxt,
        rcvNxt,
        'retransmission of data already received: immediate ACK (D-SACK)',
      ),
    );
  }
  socket.receivedBytes += Math.max(0, seqDiff(end, rcvNxt) - (fin ? 1 : 0));
  socket.rcvNxt = end;
  if (!fin) {
    return done(
      ackFrom(
        'ACK',
        socket.sndNxt,
        socket.rcvNxt,
        'in-order data: ACK (may be delayed or ride on a reply)',
        true,
      ),
    );
  }
  return peerFin(socket, ctx);
}

function peerFin(socket: FullSocket, ctx: ProcessContext): Partial {
  const before: TcpSocketState = socket.state;
  switch (before) {
    case 'ESTABLISHED':
    case 'SYN_RECV':
      socket.state = 'CLOSE_WAIT';
      return done(
        ackFrom(
          'ACK',
          socket.sndNxt,
          socket.rcvNxt,
          'peer FIN: CLOSE-WAIT, ACK (may be delayed or ride on our FIN)',
          true,
        ),
      );
    case 'FIN_WAIT1':
      socket.state = 'CLOSING';
      return done(
        ackFrom(
          'ACK',
          socket.sndNxt,
          socket.rcvNxt,
          'peer FIN before the ACK of ours: CLOSING, ACK',
        ),
      );
    case 'FIN_WAIT2':
      return done(
        ackFrom(
          'ACK',
          socket.sndNxt,
          socket.rcvNxt,
          'peer FIN in FIN-WAIT-2: ACK, TIME-WAIT begins',
        ),
        {
          kind: 'time-wait',
          socket: toTimeWait(socket, 'TIME_WAIT', ctx.nowUs + ctx.settings.timeWaitSec * 1_000_000),
        },
      );
    case 'CLOSE_WAIT':
    case 'CLOSING':
    case 'LAST_ACK':
    case 'LISTEN':
    case 'SYN_SENT':
    case 'TIME_WAIT':
    case 'CLOSED':
      // A FIN already taken into account (the data step filtered new ones out).
      return done(ackFrom('ACK', socket.sndNxt, socket.rcvNxt, `FIN in ${before}: ACK`));
  }
}

/** The small socket Linux keeps after a full one leaves for TIME-WAIT / orphaned FIN-WAIT-2. */
export function toTimeWait(
  socket: FullSocket,
  substate: 'TIME_WAIT' | 'FIN_WAIT2',
  expiresUs: number,
): TimeWaitSocket {
  socket.state = substate;
  const tw: TimeWaitSocket = {
    kind: 'time-wait',
    key: socket.key,
    local: socket.local,
    remote: socket.remote,
    substate,
    rcvWindow: socket.rcvWindow,
    expiresUs,
  };
  if (socket.rcvNxt !== undefined) tw.rcvNxt = socket.rcvNxt;
  if (socket.sndNxt !== undefined) tw.sndNxt = socket.sndNxt;
  if (socket.tsRecent !== undefined) tw.tsRecent = socket.tsRecent;
  return tw;
}
