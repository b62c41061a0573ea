import type { FlowAnomalyKind } from '@netmortem/domain';
import { describeSegment, formatDuration } from './notes.js';

/**
 * Notes of the frequent anomaly kinds, written when the flow is reported from the numbers
 * recorded at the time (a, b, c, d below): a connection with hundreds of retransmissions
 * then holds numbers, not strings, while it is open. Rare kinds (RST, ICMP, port reuse...)
 * carry their note as text from the start.
 *
 * Sequence numbers arrive as (value, relative): relative 1 when value is already relative
 * to the ISN.
 */
export function deferredNote(
  kind: FlowAnomalyKind,
  fromClient: boolean,
  related: number,
  intervalUs: number,
  a: number,
  b: number,
  c: number,
  d: number,
): string {
  const self = fromClient ? 'client' : 'server';
  const peer = fromClient ? 'server' : 'client';
  switch (kind) {
    case 'keepalive':
      return `keep-alive probe ${formatDuration(intervalUs)} after this side's previous packet`;
    case 'zero-window-probe':
      return a === 1 ? 'zero-window probe (1 byte)' : 'zero-window probe';
    case 'previous-segment-not-captured':
      return `${a} bytes before this segment were never seen`;
    case 'window-full':
      return `fills the receiver's window (${a} bytes)`;
    case 'zero-window':
      return 'advertises a zero window: its receive buffer is full';
    case 'keepalive-ack':
      return 'answers a keep-alive probe';
    case 'duplicate-ack':
      return `duplicate ACK #${a} of ${seqText(b, c)}`;
    case 'ack-of-unseen-segment':
      return `acknowledges ${a} bytes the capture never showed from the other side`;
    case 'fast-retransmission':
      return `resends ${seqText(a, c)} after ${b} duplicate ACKs`;
    case 'out-of-order':
      return `arrives ${formatDuration(b)} after later data (${seqText(a, c)})`;
    case 'spurious-retransmission':
      return `resends ${b} bytes at ${seqText(a, c)} the receiver had already acknowledged`;
    case 'retransmission':
      return `resends ${b} bytes at ${seqText(a, c)}, ${formatDuration(d)} after this side's newest data`;
    case 'half-close':
      return `the ${peer} half-closed (FIN #${related}); the ${self} keeps sending data ${formatDuration(b)} later`;
    case 'data-after-fin':
      return c === 1
        ? `${a} bytes beyond the ${self}'s own FIN (#${related})`
        : `${a} bytes from the ${self} ${formatDuration(b)} after the ${peer}'s FIN`;
    case 'idle-gap':
      return `no packet for ${formatDuration(intervalUs)} (since #${related}), then ${describeSegment(a, b)} from the ${self}`;
    case 'syn-retransmission':
    case 'rst':
    case 'rst-ack':
    case 'challenge-ack':
    case 'port-reuse':
    case 'icmp-error':
    case 'unanswered-syn':
    case 'refused':
      // Always recorded with their text.
      return kind;
  }
}

function seqText(value: number, relative: number): string {
  return relative === 1 ? `seq +${value}` : `seq ${value >>> 0}`;
}
