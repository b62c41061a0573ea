import type { Packet, TcpHeader } from '@netmortem/domain';
import { TcpFlag } from '@netmortem/domain';
import type { KernelBehaviour } from './kernel-profile.js';
import { seqAdd, seqAfter, seqBefore, seqSub } from './sequence.js';
import { PacketClass, type PacketClassCode, S } from './tcp-state-table.js';

/** Per-direction flags, with the kernel's bit values (as `conntrack -o extended` reports them). */
export const DirFlag = {
  WINDOW_SCALE: 0x01,
  SACK_PERM: 0x02,
  CLOSE_INIT: 0x04,
  BE_LIBERAL: 0x08,
  DATA_UNACKNOWLEDGED: 0x10,
  MAXACK_SET: 0x20,
} as const;

/** Connection-wide annotations kept with the last ignored packet. */
export const LastFlag = { EXP_CHALLENGE_ACK: 0x40, SIMULTANEOUS_OPEN: 0x80 } as const;

/** RFC 7323 caps the shift at 14. */
const MAX_WINDOW_SCALE = 14;
/** Lower bound of how far back an ACK may lag: the larger of this and the sender's max window. */
const MIN_ACK_LAG = 66_000;

/** What conntrack knows about one direction's sender. */
export class TcpDirectionState {
  /** Highest seq + len seen from this sender. */
  end = 0;
  /** Highest ack + window the peer advertised: this sender may not send beyond it. */
  maxend = 0;
  /** Largest window this sender advertised (scaled), at least 1 once initialised; 0 = unknown. */
  maxwin = 0;
  /** Highest ACK this sender sent. */
  maxack = 0;
  scale = 0;
  flags = 0;

  resetWindow(): void {
    this.end = 0;
    this.maxend = 0;
    this.maxwin = 0;
    this.maxack = 0;
    this.scale = 0;
    this.flags &= DirFlag.BE_LIBERAL;
  }
}

/** The TCP part of a conntrack entry. */
export class TcpConnectionState {
  state: number = S.NONE;
  readonly seen: readonly [TcpDirectionState, TcpDirectionState] = [
    new TcpDirectionState(),
    new TcpDirectionState(),
  ];
  /** Retransmissions of the same ACK-class segment in a row. */
  retrans = 0;
  lastIndex: PacketClassCode = PacketClass.NONE;
  lastDir: 0 | 1 = 0;
  lastSeq = 0;
  lastAck = 0;
  lastEnd = 0;
  lastWin = 0;
  lastWscale = 0;
  lastFlags = 0;
}

export function tcpHasOptions(tcp: TcpHeader): boolean {
  if (tcp.headerLength > 20) return true;
  const o = tcp.options;
  return (
    o.mss !== undefined ||
    o.windowScale !== undefined ||
    o.sackPermitted === true ||
    o.sackBlocks !== undefined ||
    o.timestamp !== undefined
  );
}

/** Options of a SYN or SYN-ACK: window scale and SACK permitted. Other flags are cleared. */
export function readHandshakeOptions(tcp: TcpHeader, into: TcpDirectionState): void {
  if (!tcpHasOptions(tcp)) return;
  into.scale = 0;
  into.flags &= DirFlag.BE_LIBERAL;
  if (tcp.options.sackPermitted) into.flags |= DirFlag.SACK_PERM;
  const ws = tcp.options.windowScale;
  if (ws !== undefined) {
    into.scale = ws > MAX_WINDOW_SCALE ? MAX_WINDOW_SCALE : ws;
    into.flags |= DirFlag.WINDOW_SCALE;
  }
}

/** seq + payload, plus one for each of SYN and FIN (they occupy sequence space). */
export function segmentEnd(packet: Packet, tcp: TcpHeader): number {
  let extra = packet.payloadLength;
  if (tcp.flags & TcpFlag.SYN) extra++;
  if (tcp.flags & TcpFlag.FIN) extra++;
  return seqAdd(tcp.seq, extra);
}

/** The highest right edge among SACK blocks that lie after the ACK, else the ACK. */
function highestSack(tcp: TcpHeader, ack: number): number {
  let sack = ack;
  const blocks = tcp.options.sackBlocks;
  if (blocks === undefined) return sack;
  for (let i = 0; i < blocks.length; i++) {
    const right = (blocks[i]?.[1] ?? 0) >>> 0;
    if (seqAfter(right, sack)) sack = right;
  }
  return sack;
}

/** A SYN-ACK in reply to a SYN, or a reply SYN in simultaneous open: start tracking this sender. */
function initSender(
  sender: TcpDirectionState,
  receiver: TcpDirectionState,
  tcp: TcpHeader,
  end: number,
  win: number,
  dir: 0 | 1,
): void {
  sender.end = end;
  sender.maxend = end;
  sender.maxwin = win === 0 ? 1 : win;
  readHandshakeOptions(tcp, sender);
  // Scaling is only in force when both SYNs carried the option.
  if (
    dir === 1 &&
    !(sender.flags & DirFlag.WINDOW_SCALE && receiver.flags & DirFlag.WINDOW_SCALE)
  ) {
    sender.scale = 0;
    receiver.scale = 0;
  }
}

export const WindowVerdict = { ACCEPT: 0, IGNORE: 1, INVALID: 2 } as const;
export type WindowVerdictCode = (typeof WindowVerdict)[keyof typeof WindowVerdict];

/** Result of the last window check; reused to keep the per-packet path allocation-free. */
export interface WindowCheckResult {
  verdict: WindowVerdictCode;
  /** The kernel's log line for an invalid or ignored packet (when not liberal). */
  message: string | undefined;
}

/**
 * The window check of one packet against the tracked sequence space (four bounds, after Guido
 * van Rooij's "Real Stateful TCP Packet Filtering in IP Filter"):
 *   I.   seq <= sender.maxend                      (not beyond what the receiver allowed)
 *   II.  end >= sender.end - receiver.maxwin        (not data acknowledged long ago)
 *   III. sack <= receiver.end                       (no ACK of data never sent)
 *   IV.  sack >= receiver.end - max(66000, maxwin)  (no ACK lagging absurdly)
 * On success the sender's and receiver's bounds move forward and retransmissions are counted.
 */
export function checkWindow(
  conn: TcpConnectionState,
  dir: 0 | 1,
  cls: PacketClassCode,
  packet: Packet,
  tcp: TcpHeader,
  beLiberalSysctl: boolean,
  kernel: KernelBehaviour,
  out: WindowCheckResult,
): void {
  const sender = conn.seen[dir];
  const receiver = conn.seen[dir === 0 ? 1 : 0];
  const flags = tcp.flags;
  const isSyn = (flags & TcpFlag.SYN) !== 0;
  const hasAck = (flags & TcpFlag.ACK) !== 0;
  let seq = tcp.seq >>> 0;
  let ack = tcp.ack >>> 0;
  const winRaw = tcp.window & 0xffff;
  let win = winRaw;
  let end = segmentEnd(packet, tcp);
  let sack = receiver.flags & DirFlag.SACK_PERM ? highestSack(tcp, ack) : ack;
  out.message = undefined;

  if (sender.maxwin === 0) {
    if (isSyn) {
      initSender(sender, receiver, tcp, end, win, dir);
      if (!hasAck) {
        // Simultaneous open: the reply SYN only starts this direction.
        out.verdict = WindowVerdict.ACCEPT;
        return;
      }
    } else {
      // Picked up mid-stream in this direction: trust the packet.
      sender.end = end;
      const swin = (win << sender.scale) >>> 0;
      sender.maxwin = swin === 0 ? 1 : swin;
      sender.maxend = seqAdd(end, sender.maxwin);
      if (receiver.maxwin === 0) {
        // Nothing seen the other way: make III and IV pass until it is.
        receiver.end = sack;
        receiver.maxend = sack;
      } else if (sack === seqAdd(receiver.end, 1)) {
        // Most likely the answer to a keepalive probe (seq one below the peer's end).
        receiver.end = seqAdd(receiver.end, 1);
      }
    }
  } else if (
    isSyn &&
    seqAfter(end, sender.end) &&
    (conn.state === S.SYN_SENT || conn.state === S.SYN_RECV)
  ) {
    // A new SYN (or SYN-ACK) with a higher sequence: the sender restarted; take its new values.
    initSender(sender, receiver, tcp, end, win, dir);
    if (dir === 1 && !hasAck) {
      out.verdict = WindowVerdict.ACCEPT;
      return;
    }
  }

  if (!hasAck) {
    ack = receiver.end;
    sack = ack;
  } else if (flags & TcpFlag.RST && ack === 0) {
    // Stacks that set ACK on a RST with a zero ack field.
    ack = receiver.end;
    sack = ack;
  }

  if (flags & TcpFlag.RST && seq === 0 && conn.state === S.SYN_SENT) {
    // A RST answering our SYN with seq 0.
    seq = sender.end;
    end = sender.end;
  }

  const liberal = beLiberalSysctl || (sender.flags & DirFlag.BE_LIBERAL) !== 0;
  const modern = kernel.staleSegmentsIgnored;
  const maxAckLag = sender.maxwin > MIN_ACK_LAG ? sender.maxwin : MIN_ACK_LAG;
  const seqOk = seqBefore(seq, seqAdd(sender.maxend, 1));
  const ackNotAhead = seqBefore(sack, seqAdd(receiver.end, 1));
  const inRecvWin =
    receiver.maxwin === 0 || seqAfter(end, seqSub(seqSub(sender.end, receiver.maxwin), 1));
  const ackNotStale = seqAfter(sack, seqSub(seqSub(receiver.end, maxAckLag), 1));

  if (!seqOk) {
    if (kernel.exceededWindowWorkaround) {
      const overshot = seqSub(seqAdd(end, 1), sender.maxend);
      if (
        receiver.maxwin !== 0 &&
        inRecvWin &&
        ackNotStale &&
        overshot <= receiver.maxwin &&
        ackNotAhead
      ) {
        // Data beyond the advertised window but otherwise sane: let the peer's ACK of it count.
        sender.end = end;
        sender.flags |= DirFlag.DATA_UNACKNOWLEDGED;
        finish(out, liberal, WindowVerdict.IGNORE, `${overshot} bytes more than expected`);
        return;
      }
    }
    finish(
      out,
      liberal,
      WindowVerdict.INVALID,
      modern
        ? `SEQ is over upper bound ${seqAdd(sender.maxend, 1)} (over the window of the receiver)`
        : 'SEQ is over the upper bound (over the window of the receiver)',
    );
    return;
  }
  if (modern) {
    if (!ackNotAhead) {
      finish(
        out,
        liberal,
        WindowVerdict.INVALID,
        `ACK is over upper bound ${seqAdd(receiver.end, 1)} (ACKed data not seen yet)`,
      );
      return;
    }
    if (!inRecvWin) {
      const bound = seqSub(seqSub(sender.end, receiver.maxwin), 1);
      finish(
        out,
        liberal,
        WindowVerdict.IGNORE,
        `SEQ is under lower bound ${bound} (already ACKed data retransmitted)`,
      );
      return;
    }
    if (!ackNotStale) {
      const bound = seqSub(seqSub(receiver.end, maxAckLag), 1);
      finish(
        out,
        liberal,
        WindowVerdict.IGNORE,
        `ignored ACK under lower bound ${bound} (possible overly delayed)`,
      );
      return;
    }
  } else if (!inRecvWin || !ackNotAhead || !ackNotStale) {
    finish(
      out,
      liberal,
      WindowVerdict.INVALID,
      !inRecvWin
        ? 'SEQ is under the lower bound (already ACKed data retransmitted)'
        : !ackNotAhead
          ? 'ACK is over the upper bound (ACKed data not seen yet)'
          : 'ACK is under the lower bound (possible overly delayed ACK)',
    );
    return;
  }

  // In window: move the bounds.
  if (!isSyn) win = (win << sender.scale) >>> 0;
  const swin = (win + seqSub(sack, ack)) >>> 0;
  if (sender.maxwin < swin) sender.maxwin = swin;
  if (seqAfter(end, sender.end)) {
    sender.end = end;
    sender.flags |= DirFlag.DATA_UNACKNOWLEDGED;
  }
  if (hasAck) {
    if (!(sender.flags & DirFlag.MAXACK_SET)) {
      sender.maxack = ack;
      sender.flags |= DirFlag.MAXACK_SET;
    } else if (seqAfter(ack, sender.maxack)) {
      sender.maxack = ack;
    }
  }
  if (receiver.maxwin !== 0 && seqAfter(end, sender.maxend)) {
    receiver.maxwin = (receiver.maxwin + seqSub(end, sender.maxend)) >>> 0;
  }
  if (seqAfter(seqAdd(sack, win), seqSub(receiver.maxend, 1))) {
    receiver.maxend = seqAdd(sack, win);
    if (win === 0) receiver.maxend = seqAdd(receiver.maxend, 1);
  }
  if (ack === receiver.end) receiver.flags &= ~DirFlag.DATA_UNACKNOWLEDGED;

  if (cls === PacketClass.ACK) {
    if (
      conn.lastDir === dir &&
      conn.lastSeq === seq &&
      conn.lastAck === ack &&
      conn.lastEnd === end &&
      conn.lastWin === winRaw
    ) {
      conn.retrans++;
    } else {
      conn.lastDir = dir;
      conn.lastSeq = seq;
      conn.lastAck = ack;
      conn.lastEnd = end;
      conn.lastWin = winRaw;
      conn.retrans = 0;
    }
  }
  out.verdict = WindowVerdict.ACCEPT;
}

/** Liberal tracking turns every failure into an accept (without updating the bounds). */
function finish(
  out: WindowCheckResult,
  liberal: boolean,
  verdict: WindowVerdictCode,
  message: string,
): void {
  if (liberal) {
    out.verdict = WindowVerdict.ACCEPT;
    out.message = undefined;
    return;
  }
  out.verdict = verdict;
  out.message = message;
}
