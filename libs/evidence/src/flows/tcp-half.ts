// Sequence numbers and times exceed V8's small-integer range, so their fields start as -0
// (a double): the objects get double storage from the first packet on, instead of changing
// shape (and deoptimising the hot code) when the first large value arrives.

/**
 * What one side of a TCP connection has sent, summarised the way a stateful observer needs
 * it: the edges of its sequence space, its last acknowledgement and window, and the last
 * hole seen in its stream. A fixed set of numbers whatever the length of the connection:
 * no per-segment storage.
 */
export class TcpHalf {
  packets = 0;
  payloadBytes = -0;

  /** Sequence tracking has started (first segment seen, or SYN). */
  haveSeq = false;
  /** The SYN was seen: `isn` is the initial sequence number. */
  synSeen = false;
  isn = -0;
  /** One past the highest sequence number sent so far (SYN and FIN count as one). */
  nextSeq = -0;
  /** When `nextSeq` last moved forward. */
  nextSeqUs = -0;
  /** Sequence number of the previous segment. */
  lastSeq = -0;

  /** The last hole in this stream (bytes never seen): [gapStart, gapEnd) and when it appeared. */
  haveGap = false;
  gapStart = -0;
  gapEnd = -0;
  gapUs = -0;

  /** This side's acknowledgement state: the last ack number and raw window it sent. */
  haveAck = false;
  lastAck = -0;
  lastWindow = 0;
  lastAckUs = -0;
  /** Duplicate ACKs in a row from this side (reset by a new ack number). */
  dupAcks = 0;
  /** Packet that carried the current `lastAck` first. */
  lastAckPacket = 0;
  /** Highest ack beyond the peer's data we flagged, so one missing stretch is reported once. */
  haveUnseenAck = false;
  unseenAckedTo = -0;

  /** Window scale shift: -1 unknown (no SYN seen), else the shift (0 when not negotiated). */
  windowScale = -1;
  /** 2^windowScale, kept as a number so the hot path multiplies instead of exponentiating. */
  windowMultiplier = 1;
  /** The WS option of this side's SYN, -1 when absent. */
  synWindowScale = -1;
  mss = -1;
  sackPermitted = false;

  /** Last packet of this side: its number, time, flags and payload length. */
  lastPacket = 0;
  lastPacketUs = -0;
  lastFlags = 0;
  lastLength = 0;
  /** The previous segment of this side was a keep-alive / zero-window probe. */
  lastWasKeepalive = false;
  lastWasWindowProbe = false;

  /** SYN (or SYN-ACK) bookkeeping: first packet, count, time of the latest. */
  synPacket = 0;
  synCount = 0;
  synUs = -0;
  /** Intervals between retransmitted SYNs, for the note (bounded). */
  synIntervals = '';

  finPacket = 0;
  finUs = -0;
  /** Sequence number just after the FIN (what the peer acks to acknowledge it). */
  finEnd = -0;
  rstPacket = 0;

  /**
   * The last four data segments as (sequence number, packet number) pairs, written by the
   * tracker in turn, so a retransmission of recent data can name its original. Fixed size.
   */
  readonly recent = new Float64Array(8);
  recentNext = 0;

  /** Back to the state of a new instance, so flow states can be reused (see FlowAnalyzer). */
  reset(): void {
    this.packets = 0;
    this.payloadBytes = -0;
    this.haveSeq = false;
    this.synSeen = false;
    this.isn = -0;
    this.nextSeq = -0;
    this.nextSeqUs = -0;
    this.lastSeq = -0;
    this.haveGap = false;
    this.gapStart = -0;
    this.gapEnd = -0;
    this.gapUs = -0;
    this.haveAck = false;
    this.lastAck = -0;
    this.lastWindow = 0;
    this.lastAckUs = -0;
    this.dupAcks = 0;
    this.lastAckPacket = 0;
    this.haveUnseenAck = false;
    this.unseenAckedTo = -0;
    this.windowScale = -1;
    this.windowMultiplier = 1;
    this.synWindowScale = -1;
    this.mss = -1;
    this.sackPermitted = false;
    this.lastPacket = 0;
    this.lastPacketUs = -0;
    this.lastFlags = 0;
    this.lastLength = 0;
    this.lastWasKeepalive = false;
    this.lastWasWindowProbe = false;
    this.synPacket = 0;
    this.synCount = 0;
    this.synUs = -0;
    this.synIntervals = '';
    this.finPacket = 0;
    this.finUs = -0;
    this.finEnd = -0;
    this.rstPacket = 0;
    this.recent.fill(0);
    this.recentNext = 0;
  }

  /** Packet number of a recent data segment that started at `seq`, or 0. */
  findData(seq: number): number {
    const recent = this.recent;
    for (let i = 0; i < 8; i += 2)
      if (recent[i] === seq && recent[i + 1] !== 0) return recent[i + 1] as number;
    return 0;
  }

  setWindowScale(shift: number): void {
    // RFC 7323 caps the shift at 14; larger values are treated as 14.
    this.windowScale = Math.min(shift, 14);
    this.windowMultiplier = 2 ** this.windowScale;
  }
}

/** a >= b in 32-bit sequence space. */
export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/** a - b in sequence space, as a signed distance. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}
