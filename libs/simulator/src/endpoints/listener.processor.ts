import { TcpFlag } from '@netmortem/domain';
import { oowAckLimited } from './ack-rate-limits.js';
import { connectionKey, type SocketEndpoint } from './endpoint-address.js';
import {
  ackFrom,
  noResponse,
  resetFor,
  synAckFrom,
  type SegmentResponse,
} from './segment-response.js';
import { duplicateAck, type ProcessContext } from './socket-replies.js';
import { hasFlag, segmentEnd, type EndpointSegment } from './tcp-segment.js';
import { seqAdd } from './tcp-sequence.js';
import type { FullSocket, ListenerSocket, RequestSocket } from './tcp-socket.js';
import { inWindow } from './time-wait.processor.js';

/** Window a listener offers in its SYN-ACK, before scaling (Linux: 64240 or 65535). */
const SYNACK_WINDOW = 65535;

export interface ListenerOutcome {
  readonly response: SegmentResponse;
  readonly request?: RequestSocket;
}

export interface RequestOutcome {
  readonly response: SegmentResponse;
  /** keep the request; remove it; child: the handshake completed into `child`. */
  readonly transition: 'keep' | 'remove' | 'child';
  readonly child?: FullSocket;
  /** The segment must also go through the new socket (data on the handshake's ACK). */
  readonly continueWithChild?: boolean;
  readonly notes: readonly string[];
}

/** Total life of a request that gets no ACK: SYN-ACK retransmits at 1, 2, 4 … s. */
export function requestLifetimeUs(synAckRetries: number): number {
  return (2 ** (synAckRetries + 1) - 1) * 1_000_000;
}

/**
 * A segment that matches no connection reaches a listener. Only a SYN opens a request;
 * anything with an ACK is a stranger's segment and is reset (its sequence from SEG.ACK),
 * which is how an out-of-window packet that skipped NAT kills a client's flow.
 */
export function processListener(
  listener: ListenerSocket,
  segment: EndpointSegment,
  ctx: ProcessContext,
  isn: number | undefined,
): ListenerOutcome {
  if (hasFlag(segment, TcpFlag.ACK)) {
    return {
      response: resetFor(
        segment,
        'listener got a segment with ACK that matches no connection: RST',
      ),
    };
  }
  if (hasFlag(segment, TcpFlag.RST))
    return { response: noResponse('RST to a listener is dropped') };
  if (!hasFlag(segment, TcpFlag.SYN)) {
    return { response: noResponse('listener drops a segment without SYN or ACK') };
  }
  if (hasFlag(segment, TcpFlag.FIN))
    return { response: noResponse('SYN+FIN to a listener is dropped') };
  if (listener.backlogFull) {
    return {
      response: noResponse(
        'accept queue of the listener is full: SYN dropped (client retransmits)',
      ),
    };
  }
  const local: SocketEndpoint = { address: segment.dst, port: segment.dstPort };
  const remote: SocketEndpoint = { address: segment.src, port: segment.srcPort };
  const request: RequestSocket = {
    kind: 'request',
    key: connectionKey(local, remote),
    local,
    remote,
    listenerKey: listener.key,
    irs: segment.seq,
    rcvWindow: SYNACK_WINDOW,
    createdUs: ctx.nowUs,
    expiresUs: ctx.nowUs + requestLifetimeUs(ctx.settings.synAckRetries),
    ...(isn !== undefined ? { iss: isn } : {}),
    ...(segment.windowScale !== undefined ? { sndWscale: segment.windowScale } : {}),
    ...(segment.timestamp ? { tsRecent: segment.timestamp.value } : {}),
  };
  return {
    response: synAckFrom(
      isn,
      seqAdd(segment.seq, 1),
      'SYN to a listener: SYN-ACK, request queued (SYN-RECV)',
    ),
    request,
  };
}

/** A segment meets a half-open request (the checks of RFC 793 for SYN-RECEIVED, Linux style). */
export function processRequest(
  request: RequestSocket,
  listener: ListenerSocket | undefined,
  segment: EndpointSegment,
  ctx: ProcessContext,
): RequestOutcome {
  const notes: string[] = [];
  const keep = (response: SegmentResponse): RequestOutcome => ({
    response,
    transition: 'keep',
    notes,
  });
  const remove = (response: SegmentResponse): RequestOutcome => ({
    response,
    transition: 'remove',
    notes,
  });
  const rst = hasFlag(segment, TcpFlag.RST);
  let syn = hasFlag(segment, TcpFlag.SYN);
  const ack = hasFlag(segment, TcpFlag.ACK);
  const rcvNxt = seqAdd(request.irs, 1);

  if (segment.seq === request.irs && syn && !ack && !rst) {
    if (oowAckLimited(request, ctx.nowUs, ctx.settings.invalidRateLimitMs)) {
      return keep(
        noResponse('retransmitted SYN: SYN-ACK not resent (tcp_invalid_ratelimit)', 'per-socket'),
      );
    }
    return keep(
      synAckFrom(request.iss, rcvNxt, 'retransmitted SYN on a pending request: SYN-ACK again'),
    );
  }
  if (ack) {
    if (request.iss === undefined) {
      request.iss = seqAdd(segment.ack, -1);
      notes.push('our SYN-ACK was not seen: its sequence taken from this ACK');
    } else if (segment.ack !== seqAdd(request.iss, 1)) {
      return keep(
        resetFor(segment, 'ACK that does not acknowledge our SYN-ACK: the listener answers RST'),
      );
    }
  }
  if (!inWindow(segment.seq, segmentEnd(segment), rcvNxt, seqAdd(rcvNxt, request.rcvWindow))) {
    if (rst) return keep(noResponse('RST outside the window of a pending request is ignored'));
    return keep(
      duplicateAck(
        {
          ...request,
          sndNxt: request.iss === undefined ? undefined : seqAdd(request.iss, 1),
          rcvNxt,
        },
        segment,
        ctx,
        'segment outside the window of a pending request: ACK',
      ),
    );
  }
  if (segment.seq === request.irs) syn = false; // the SYN itself is left of the window
  if (rst) return remove(noResponse('RST in window drops the pending request'));
  if (syn)
    return remove(
      resetFor(segment, 'new SYN inside the window of a pending request: RST, request dropped'),
    );
  if (!ack) return keep(noResponse('segment without ACK on a pending request is dropped'));
  if (listener?.backlogFull) {
    if (ctx.settings.abortOnOverflow) {
      return remove(resetFor(segment, 'accept queue full and tcp_abort_on_overflow=1: RST'));
    }
    return keep(
      noResponse('accept queue full: the handshake ACK is dropped, the SYN-ACK will be resent'),
    );
  }
  const child: FullSocket = {
    kind: 'full',
    key: request.key,
    local: request.local,
    remote: request.remote,
    state: 'SYN_RECV',
    orphan: false,
    finQueued: false,
    irs: request.irs,
    iss: request.iss!,
    sndUna: request.iss!,
    sndNxt: seqAdd(request.iss!, 1),
    sndKnowledge: notes.length > 0 ? 'inferred' : 'observed',
    rcvNxt,
    rcvKnowledge: 'observed',
    rcvWindow: request.rcvWindow,
    rcvWindowAssumed: true,
    receivedBytes: 0,
    createdUs: ctx.nowUs,
    lastReceivedUs: ctx.nowUs,
    keepaliveProbesOut: 0,
    ...(request.sndWscale !== undefined ? { sndWscale: request.sndWscale } : {}),
    ...(request.tsRecent !== undefined ? { tsRecent: request.tsRecent } : {}),
  };
  return {
    response: ackFrom('ACK', undefined, undefined, 'handshake completes'),
    transition: 'child',
    child,
    continueWithChild: true,
    notes,
  };
}
