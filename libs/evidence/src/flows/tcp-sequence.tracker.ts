import type { FlowAnomalyKind } from '@netmortem/domain';
import type { PacketView } from '../capture/packet-view.js';
import type { TcpHalf } from './tcp-half.js';

const FIN = 0x01;
const ACK = 0x10;
/** A repeat this soon after the last duplicate ACK counts as fast retransmission. */
const FAST_RETRANSMISSION_US = 20_000;

/**
 * Where the tracker reports what it saw; implemented by the flow state. `wants` counts the
 * anomaly and says whether to list it; only then is its note built (no closures, no
 * strings on the hot path).
 */
export interface SegmentSink {
  wants(kind: FlowAnomalyKind): boolean;
  keep(
    kind: FlowAnomalyKind,
    fromClient: boolean,
    view: PacketView,
    note: string,
    relatedPacket?: number,
    intervalUs?: number,
  ): void;
  /** Lists an anomaly whose note is written at report time from a..d (anomaly-notes.ts). */
  defer(
    kind: FlowAnomalyKind,
    fromClient: boolean,
    view: PacketView,
    related: number,
    intervalUs: number,
    a: number,
    b: number,
    c: number,
    d: number,
  ): void;
  readonly outOfOrderUs: number;
}

/** What the tracker concluded about a segment, for the flow state's own checks. */
export const Segment = {
  /** Carries bytes beyond everything this side sent before. */
  NewData: 1,
  /** A keep-alive or zero-window probe. */
  Probe: 2,
} as const;

/**
 * Sequence analysis of one non-SYN, non-RST segment from `snd` to `rcv`, in the spirit of
 * Wireshark's TCP analysis but from two fixed-size summaries instead of a list of segments:
 * holes, retransmissions (plain, fast, spurious), reordering, keep-alives and window
 * probes, zero and full windows, duplicate ACKs and ACKs of data never seen. Returns
 * Segment bits.
 *
 * Performance: this runs for nearly every packet. Sequence arithmetic is written inline
 * (`(a - b) | 0` is the signed distance in sequence space) and every rare case lives in
 * its own small function, so the common path stays small enough for V8 to inline and
 * never passes a sequence number (a double beyond the small-integer range) through a call.
 */
export function trackSegment(
  sink: SegmentSink,
  snd: TcpHalf,
  rcv: TcpHalf,
  view: PacketView,
  fromClient: boolean,
): number {
  const flags = view.tcpFlags;
  const seq = view.seq;
  const length = view.payloadLength;
  const fin = (flags & FIN) !== 0;
  const segmentLength = fin ? length + 1 : length;
  const end = (seq + segmentLength) >>> 0;
  const t = view.timeUs;
  let result = 0;
  let probe = false;
  let duplicateAck = false;

  if (!snd.haveSeq) {
    snd.haveSeq = true;
    snd.nextSeq = end;
    snd.nextSeqUs = t;
    if (segmentLength > 0) result = Segment.NewData;
  } else {
    // > 0: a hole before this segment; < 0: it starts inside what was already sent.
    const ahead = (seq - snd.nextSeq) | 0;
    if (ahead === -1 && segmentLength <= 1 && !fin) {
      // One byte below what was already sent, at most one byte long: a keep-alive, or a
      // zero-window probe when the peer's window is shut (Linux probes the same way).
      probe = true;
      reportProbe(sink, snd, rcv, view, fromClient);
    } else if (ahead === 0 && length === 1 && rcv.haveAck && rcv.lastWindow === 0) {
      probe = true;
      snd.lastWasWindowProbe = true;
      if (sink.wants('zero-window-probe'))
        sink.defer('zero-window-probe', fromClient, view, rcv.lastPacket, -1, 1, 0, 0, 0);
    }
    if (!probe) {
      if (ahead > 0) {
        reportHole(sink, snd, view, fromClient);
        result = Segment.NewData;
      } else if (segmentLength > 0) {
        if (ahead < 0) {
          classifyRepeat(sink, snd, rcv, view, fromClient);
          if (((end - snd.nextSeq) | 0) > 0) result = Segment.NewData;
        } else {
          result = Segment.NewData;
        }
      }
      if (
        length > 0 &&
        rcv.windowScale >= 0 &&
        rcv.haveAck &&
        rcv.lastWindow > 0 &&
        ((seq + length - rcv.lastAck - rcv.lastWindow * rcv.windowMultiplier) | 0) === 0
      ) {
        reportWindowFull(sink, rcv, view, fromClient);
      }
      if (view.window === 0 && !fin && sink.wants('zero-window'))
        sink.defer('zero-window', fromClient, view, rcv.lastPacket, -1, 0, 0, 0, 0);
      if (
        segmentLength === 0 &&
        ahead === 0 &&
        (flags & ACK) !== 0 &&
        snd.haveAck &&
        view.ack === snd.lastAck &&
        view.window === snd.lastWindow
      ) {
        duplicateAck = reportRepeatedAck(sink, snd, rcv, view, fromClient);
      }
    }
  }

  if ((flags & ACK) !== 0) {
    const ack = view.ack;
    if (rcv.haveSeq && ((ack - rcv.nextSeq) | 0) > 0)
      reportAckOfUnseen(sink, rcv, view, fromClient);
    if (!snd.haveAck || ack !== snd.lastAck) {
      if (!duplicateAck) snd.dupAcks = 0;
      if (!snd.haveAck || ((ack - snd.lastAck) | 0) > 0) {
        snd.lastAckPacket = view.number;
        snd.lastAck = ack;
      }
    }
    snd.lastWindow = view.window;
    snd.lastAckUs = t;
    snd.haveAck = true;
  }
  if (((end - snd.nextSeq) | 0) > 0) {
    snd.nextSeq = end;
    snd.nextSeqUs = t;
  }
  if (length > 0) {
    // The recent-segment ring (see TcpHalf): lets a retransmission name its original.
    const at = (snd.recentNext & 3) << 1;
    snd.recent[at] = seq;
    snd.recent[at + 1] = view.number;
    snd.recentNext += 1;
  }
  snd.lastSeq = seq;
  if (!probe) {
    snd.lastWasKeepalive = false;
    snd.lastWasWindowProbe = false;
  }
  return probe ? result | Segment.Probe : result;
}

function reportProbe(
  sink: SegmentSink,
  snd: TcpHalf,
  rcv: TcpHalf,
  view: PacketView,
  fromClient: boolean,
): void {
  if (rcv.haveAck && rcv.lastWindow === 0) {
    snd.lastWasWindowProbe = true;
    if (sink.wants('zero-window-probe'))
      sink.defer('zero-window-probe', fromClient, view, rcv.lastPacket, -1, 0, 0, 0, 0);
    return;
  }
  snd.lastWasKeepalive = true;
  if (!sink.wants('keepalive')) return;
  sink.defer(
    'keepalive',
    fromClient,
    view,
    snd.lastPacket,
    view.timeUs - snd.lastPacketUs,
    0,
    0,
    0,
    0,
  );
}

function reportHole(sink: SegmentSink, snd: TcpHalf, view: PacketView, fromClient: boolean): void {
  const next = snd.nextSeq;
  if (sink.wants('previous-segment-not-captured')) {
    sink.defer(
      'previous-segment-not-captured',
      fromClient,
      view,
      snd.lastPacket,
      -1,
      (view.seq - next) | 0,
      0,
      0,
      0,
    );
  }
  snd.haveGap = true;
  snd.gapStart = next;
  snd.gapEnd = view.seq;
  snd.gapUs = view.timeUs;
}

function reportWindowFull(
  sink: SegmentSink,
  rcv: TcpHalf,
  view: PacketView,
  fromClient: boolean,
): void {
  if (!sink.wants('window-full')) return;
  sink.defer(
    'window-full',
    fromClient,
    view,
    rcv.lastPacket,
    -1,
    rcv.lastWindow * rcv.windowMultiplier,
    0,
    0,
    0,
  );
}

/** A pure ACK repeating the last one: answers a keep-alive, or is a duplicate ACK (true). */
function reportRepeatedAck(
  sink: SegmentSink,
  snd: TcpHalf,
  rcv: TcpHalf,
  view: PacketView,
  fromClient: boolean,
): boolean {
  if (rcv.lastWasKeepalive) {
    if (sink.wants('keepalive-ack'))
      sink.defer('keepalive-ack', fromClient, view, rcv.lastPacket, -1, 0, 0, 0, 0);
    return false;
  }
  if (rcv.lastWasWindowProbe) return false;
  snd.dupAcks += 1;
  if (sink.wants('duplicate-ack')) {
    sink.defer(
      'duplicate-ack',
      fromClient,
      view,
      snd.lastAckPacket,
      -1,
      snd.dupAcks,
      relSeq(rcv, view.ack),
      rcv.synSeen ? 1 : 0,
      0,
    );
  }
  return true;
}

/** An ACK beyond anything the other side was seen sending: reported once per stretch. */
function reportAckOfUnseen(
  sink: SegmentSink,
  rcv: TcpHalf,
  view: PacketView,
  fromClient: boolean,
): void {
  const ack = view.ack;
  if (rcv.haveUnseenAck && ((ack - rcv.unseenAckedTo) | 0) <= 0) return;
  rcv.haveUnseenAck = true;
  rcv.unseenAckedTo = ack;
  if (!sink.wants('ack-of-unseen-segment')) return;
  sink.defer(
    'ack-of-unseen-segment',
    fromClient,
    view,
    rcv.lastPacket,
    -1,
    (ack - rcv.nextSeq) | 0,
    0,
    0,
    0,
  );
}

/** A segment at or below what this side already sent: reordered, or sent again, and why. */
function classifyRepeat(
  sink: SegmentSink,
  snd: TcpHalf,
  rcv: TcpHalf,
  view: PacketView,
  fromClient: boolean,
): void {
  const t = view.timeUs;
  const seq = view.seq;
  const segmentLength = view.payloadLength + ((view.tcpFlags & FIN) !== 0 ? 1 : 0);
  const end = (seq + segmentLength) >>> 0;
  const related = snd.findData(seq);
  const seqValue = relSeq(snd, seq);
  const relative = snd.synSeen ? 1 : 0;
  const inHole = snd.haveGap && ((seq - snd.gapStart) | 0) >= 0 && ((snd.gapEnd - end) | 0) >= 0;
  if (inHole && seq === snd.gapStart) snd.gapStart = end;
  // Order as Wireshark decides: a repeat right after duplicate ACKs asking for exactly it is
  // a fast retransmission; bytes never seen that turn up soon after the hole opened are
  // reordered originals; bytes the receiver had already acknowledged are spurious.
  if (rcv.dupAcks >= 2 && rcv.lastAck === seq && t - rcv.lastAckUs <= FAST_RETRANSMISSION_US) {
    if (sink.wants('fast-retransmission'))
      sink.defer(
        'fast-retransmission',
        fromClient,
        view,
        related,
        -1,
        seqValue,
        rcv.dupAcks,
        relative,
        0,
      );
    return;
  }
  if (inHole && t - snd.gapUs <= sink.outOfOrderUs) {
    if (sink.wants('out-of-order'))
      sink.defer(
        'out-of-order',
        fromClient,
        view,
        related,
        -1,
        seqValue,
        t - snd.gapUs,
        relative,
        0,
      );
    return;
  }
  if (rcv.haveAck && ((rcv.lastAck - end) | 0) >= 0) {
    if (sink.wants('spurious-retransmission'))
      sink.defer(
        'spurious-retransmission',
        fromClient,
        view,
        related,
        -1,
        seqValue,
        segmentLength,
        relative,
        0,
      );
    return;
  }
  if (sink.wants('retransmission'))
    sink.defer(
      'retransmission',
      fromClient,
      view,
      related,
      -1,
      seqValue,
      segmentLength,
      relative,
      t - snd.nextSeqUs,
    );
}

/** A sequence number relative to the ISN when the SYN was seen, else as it is. */
function relSeq(half: TcpHalf, seq: number): number {
  return half.synSeen ? (seq - half.isn) | 0 : seq >>> 0;
}
