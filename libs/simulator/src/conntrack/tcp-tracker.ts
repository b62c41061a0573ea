import type { Packet, TcpHeader } from '@netmortem/domain';
import type { TrackedEntry } from './conntrack-record.js';
import type { KernelProfile } from './kernel-profile.js';
import { seqBefore } from './sequence.js';
import type { ConntrackSettings, TcpTimeouts } from './settings.js';
import {
  nextState,
  PacketClass,
  type PacketClassCode,
  packetClass,
  S,
  STATE_NAMES,
  validFlagCombination,
} from './tcp-state-table.js';
import {
  checkWindow,
  DirFlag,
  LastFlag,
  readHandshakeOptions,
  segmentEnd,
  type TcpConnectionState,
  TcpDirectionState,
  type WindowCheckResult,
  WindowVerdict,
} from './tcp-window.js';

/** What the tracker decided for one packet on an entry. */
export const TcpOutcome = {
  /** Valid: state, window and timer updated. */
  ACCEPT: 0,
  /** Let through with the entry attached (ctinfo unchanged) but nothing updated. */
  IGNORE: 1,
  /** The packet loses its conntrack: ctstate INVALID, NAT skipped. */
  INVALID: 2,
  /** SYN reopening a closed/aborted connection: kill the entry and look the packet up again. */
  REOPEN: 3,
} as const;
export type TcpOutcomeCode = (typeof TcpOutcome)[keyof typeof TcpOutcome];

/** Per-packet result, reused by the table (one instance) so the hot path does not allocate. */
export class TcpPacketResult {
  outcome: TcpOutcomeCode = TcpOutcome.ACCEPT;
  stateBefore = 0;
  stateAfter = 0;
  /** Kernel log line for INVALID (reason) or IGNORE (note). */
  message: string | undefined = undefined;
  /** The entry must be destroyed now (a RST when no reply was ever seen). */
  kill = false;
  /** An inexact RST on an established flow: the state stays (a challenge ACK will follow). */
  keepState = false;
  readonly window: WindowCheckResult = { verdict: WindowVerdict.ACCEPT, message: undefined };

  reset(state: number): void {
    this.outcome = TcpOutcome.ACCEPT;
    this.stateBefore = state;
    this.stateAfter = state;
    this.message = undefined;
    this.kill = false;
    this.keepState = false;
  }
}

/** Timeout (seconds) of a state; NONE uses the SYN_SENT value like the kernel's slot 0. */
export function stateTimeout(t: TcpTimeouts, state: number): number {
  switch (state) {
    case S.SYN_SENT:
    case S.NONE:
      return t.synSent;
    case S.SYN_RECV:
      return t.synRecv;
    case S.ESTABLISHED:
      return t.established;
    case S.FIN_WAIT:
      return t.finWait;
    case S.CLOSE_WAIT:
      return t.closeWait;
    case S.LAST_ACK:
      return t.lastAck;
    case S.TIME_WAIT:
      return t.timeWait;
    case S.CLOSE:
      return t.close;
    case S.SYN_SENT2:
      return t.synSent2;
    default:
      return t.close;
  }
}

/**
 * First packet of a flow: decides whether it may create an entry and initialises the original
 * direction. Returns the reason when it may not (the packet is then INVALID, nothing created).
 */
export function tcpNew(
  conn: TcpConnectionState,
  packet: Packet,
  tcp: TcpHeader,
  settings: ConntrackSettings,
  kernel: KernelProfile,
): string | undefined {
  if (!validFlagCombination(tcp.flags)) return 'invalid tcp flag combination';
  const first = nextState(0, packetClass(tcp.flags), S.NONE);
  if (first === S.INVALID)
    return kernel.staleSegmentsIgnored ? 'invalid new' : 'invalid new (no SYN and no ACK)';
  const orig = conn.seen[0];
  orig.end = segmentEnd(packet, tcp);
  orig.maxwin = tcp.window === 0 ? 1 : tcp.window;
  if (first === S.SYN_SENT) {
    orig.maxend = orig.end;
    readHandshakeOptions(tcp, orig);
  } else {
    // Mid-stream pickup (loose): the history is lost; trust this packet and stay liberal forever,
    // since the window scale negotiated in the handshake is unknown.
    if (!settings.loose) return 'not picking up a connection mid-stream (nf_conntrack_tcp_loose=0)';
    orig.maxend = (orig.end + orig.maxwin) >>> 0;
    orig.flags = DirFlag.SACK_PERM | DirFlag.BE_LIBERAL;
    conn.seen[1].flags = DirFlag.SACK_PERM | DirFlag.BE_LIBERAL;
  }
  conn.lastIndex = PacketClass.NONE;
  return undefined;
}

/** FIN_WAIT..CLOSE: entries the kernel would evict first and whose RSTs it no longer checks. */
function closing(state: number): boolean {
  return (
    state === S.FIN_WAIT ||
    state === S.LAST_ACK ||
    state === S.TIME_WAIT ||
    state === S.CLOSE ||
    state === S.CLOSE_WAIT
  );
}

/**
 * One packet on an existing (or just created) entry: the kernel's tcp_packet, in its order —
 * flag sanity, transition table, the special cases (reopen, ignore + resync, challenge ACKs,
 * simultaneous open, RST validation), the window check, then state and timer updates.
 */
export function tcpPacket(
  entry: TrackedEntry,
  conn: TcpConnectionState,
  dir: 0 | 1,
  packet: Packet,
  tcp: TcpHeader,
  nowUs: number,
  settings: ConntrackSettings,
  kernel: KernelProfile,
  out: TcpPacketResult,
): void {
  out.reset(conn.state);
  if (!validFlagCombination(tcp.flags)) {
    out.outcome = TcpOutcome.INVALID;
    out.message = 'invalid tcp flag combination';
    return;
  }
  const cls = packetClass(tcp.flags);
  let oldState = conn.state;
  let newState = nextState(dir, cls, oldState);
  let skipWindow = false;

  switch (newState) {
    case S.SYN_SENT:
      if (oldState < S.TIME_WAIT) break;
      if (
        (conn.seen[0].flags | conn.seen[1].flags) & DirFlag.CLOSE_INIT ||
        (conn.lastDir === dir && conn.lastIndex === PacketClass.RST)
      ) {
        out.outcome = TcpOutcome.REOPEN;
        return;
      }
      // A SYN on a TIME_WAIT/CLOSE entry that never saw a proper close: handled as ignored.
      if (!ignoreOrResync(conn, dir, cls, packet, tcp, oldState, kernel, out)) return;
      oldState = S.SYN_SENT;
      newState = S.SYN_RECV;
      break;
    case S.IGNORE:
      if (!ignoreOrResync(conn, dir, cls, packet, tcp, oldState, kernel, out)) return;
      oldState = S.SYN_SENT;
      newState = S.SYN_RECV;
      break;
    case S.INVALID:
      out.outcome = TcpOutcome.INVALID;
      out.message = kernel.staleSegmentsIgnored
        ? `packet (index ${cls}) in dir ${dir} invalid, state ${STATE_NAMES[oldState]}`
        : 'invalid state';
      return;
    case S.TIME_WAIT:
      if (
        oldState === S.LAST_ACK &&
        cls === PacketClass.ACK &&
        conn.lastDir !== dir &&
        conn.lastIndex === PacketClass.SYN &&
        conn.lastFlags & LastFlag.EXP_CHALLENGE_ACK
      ) {
        conn.lastFlags &= ~LastFlag.EXP_CHALLENGE_ACK;
        out.outcome = TcpOutcome.IGNORE;
        out.message = 'challenge-ack ignored';
        return;
      }
      break;
    case S.SYN_SENT2:
      // The table alone cannot tell a simultaneous open's final ACK: remember we are in one.
      conn.lastFlags |= LastFlag.SIMULTANEOUS_OPEN;
      break;
    case S.SYN_RECV:
      if (dir === 1 && cls === PacketClass.ACK && conn.lastFlags & LastFlag.SIMULTANEOUS_OPEN) {
        newState = S.ESTABLISHED;
      }
      break;
    case S.CLOSE:
      if (cls !== PacketClass.RST) break;
      skipWindow = validateReset(entry, conn, dir, tcp, oldState, settings, kernel, out);
      if (out.outcome === TcpOutcome.INVALID) return;
      if (out.keepState) newState = oldState;
      break;
    default:
      break;
  }

  if (!skipWindow) {
    const window = out.window;
    checkWindow(conn, dir, cls, packet, tcp, settings.beLiberal, kernel, window);
    if (window.verdict === WindowVerdict.IGNORE) {
      out.outcome = TcpOutcome.IGNORE;
      out.message = window.message;
      return;
    }
    if (window.verdict === WindowVerdict.INVALID) {
      if (kernel.invalidFinRstShrinksTimer)
        shrinkTimerOnInvalidClose(entry, conn, dir, cls, nowUs, settings);
      out.outcome = TcpOutcome.INVALID;
      out.message = window.message;
      return;
    }
  }

  // In window from here on.
  conn.lastIndex = cls;
  conn.lastDir = dir;
  conn.state = newState;
  out.stateBefore = oldState;
  out.stateAfter = newState;
  if (oldState !== newState && newState === S.FIN_WAIT) conn.seen[dir].flags |= DirFlag.CLOSE_INIT;

  const t = settings.tcp;
  const stateSeconds = stateTimeout(t, newState);
  let seconds: number;
  let timer: string;
  if (conn.retrans >= settings.maxRetrans && stateSeconds > t.retrans) {
    seconds = t.retrans;
    timer = 'RETRANS';
  } else if (cls === PacketClass.RST) {
    seconds = t.close;
    timer = 'CLOSE';
  } else if (
    (conn.seen[0].flags | conn.seen[1].flags) & DirFlag.DATA_UNACKNOWLEDGED &&
    stateSeconds > t.unacknowledged
  ) {
    seconds = t.unacknowledged;
    timer = 'UNACKNOWLEDGED';
  } else if (conn.lastWin === 0 && stateSeconds > t.retrans) {
    // A zero window with nothing moving: the shorter retransmission timeout.
    seconds = t.retrans;
    timer = 'RETRANS';
  } else {
    seconds = stateSeconds;
    timer = STATE_NAMES[newState] ?? 'CLOSE';
  }

  if (!entry.seenReply) {
    if (cls === PacketClass.RST) {
      // Only a RST came back (or was sent) before any reply: no connection, drop the entry now.
      out.kill = true;
      return;
    }
    if (kernel.synRetransmitKeepsTimer) {
      // A retransmitted SYN must not keep a stale entry (and its NAT binding) alive forever.
      if (cls === PacketClass.SYN && oldState === S.SYN_SENT) return;
      // A picked-up flow that never saw a reply does not get the 5-day timeout.
      if (newState === S.ESTABLISHED && seconds > t.unacknowledged) {
        seconds = t.unacknowledged;
        timer = 'UNACKNOWLEDGED';
      }
    }
  } else if (
    !entry.assured &&
    (oldState === S.SYN_RECV || oldState === S.ESTABLISHED) &&
    newState === S.ESTABLISHED
  ) {
    entry.assured = true;
  }
  entry.arm(nowUs, seconds, timer);
}

/**
 * A packet the table says to ignore: the firewall may be out of sync with the endpoints. Returns
 * true when it is a SYN-ACK answering a SYN we let through earlier: the endpoints agree, so the
 * entry resyncs to that SYN (the caller continues as SYN_SENT -> SYN_RECV). Otherwise the packet
 * is remembered (for the RST or SYN-ACK that may follow) and let through unchanged.
 */
function ignoreOrResync(
  conn: TcpConnectionState,
  dir: 0 | 1,
  cls: PacketClassCode,
  packet: Packet,
  tcp: TcpHeader,
  oldState: number,
  kernel: KernelProfile,
  out: TcpPacketResult,
): boolean {
  if (
    cls === PacketClass.SYNACK &&
    conn.lastIndex === PacketClass.SYN &&
    conn.lastDir !== dir &&
    tcp.ack >>> 0 === conn.lastEnd
  ) {
    const synSender = conn.seen[conn.lastDir];
    synSender.end = conn.lastEnd;
    synSender.maxend = conn.lastEnd;
    synSender.maxwin = conn.lastWin === 0 ? 1 : conn.lastWin;
    synSender.scale = conn.lastWscale;
    conn.lastFlags &= ~LastFlag.EXP_CHALLENGE_ACK;
    synSender.flags = conn.lastFlags;
    conn.seen[dir].resetWindow();
    return true;
  }
  conn.lastIndex = cls;
  conn.lastDir = dir;
  conn.lastSeq = tcp.seq >>> 0;
  conn.lastEnd = segmentEnd(packet, tcp);
  conn.lastWin = tcp.window & 0xffff;
  if (cls === PacketClass.SYN && dir === 0) {
    // Remember the SYN's options in case the SYN-ACK proves it right.
    const options = new TcpDirectionState();
    readHandshakeOptions(tcp, options);
    conn.lastFlags = options.flags & (DirFlag.WINDOW_SCALE | DirFlag.SACK_PERM);
    conn.lastWscale = options.flags & DirFlag.WINDOW_SCALE ? options.scale : 0;
    // A challenge ACK to this SYN must not be taken for the ACK of the last FIN.
    if (oldState === S.LAST_ACK) conn.lastFlags |= LastFlag.EXP_CHALLENGE_ACK;
  }
  if (
    kernel.challengeAckRstAccepted &&
    oldState === S.SYN_SENT &&
    cls === PacketClass.ACK &&
    dir === 1
  ) {
    // Possibly a challenge ACK from a stale socket: the client's RST will carry this seq.
    conn.lastAck = tcp.ack >>> 0;
  }
  out.outcome = TcpOutcome.IGNORE;
  out.message = `packet (index ${cls}) in dir ${dir} ignored, state ${STATE_NAMES[oldState]}`;
  return false;
}

/**
 * RST checks before the window check. Returns true when the window check must be skipped (the
 * RST answers something we let through). Sets out.outcome INVALID for an invalid RST and
 * out.keepState when the entry must keep its state (inexact RST: a challenge ACK follows).
 */
function validateReset(
  entry: TrackedEntry,
  conn: TcpConnectionState,
  dir: 0 | 1,
  tcp: TcpHeader,
  oldState: number,
  settings: ConntrackSettings,
  kernel: KernelProfile,
  out: TcpPacketResult,
): boolean {
  const modern = kernel.challengeAckRstAccepted;
  // The tuple may already be reused while closing: the recorded sequence state is stale.
  if (modern && closing(conn.state)) return true;
  const peer = conn.seen[dir === 0 ? 1 : 0];
  const seq = tcp.seq >>> 0;
  const established = conn.state === S.ESTABLISHED && entry.assured;
  if (peer.flags & DirFlag.MAXACK_SET && (!modern || conn.lastIndex !== PacketClass.SYN)) {
    // Answer (seq 0) to a SYN we let through: just the window check.
    if (modern && seq === 0 && !established) return false;
    const ignoreInvalid = kernel.honoursIgnoreInvalidRst && settings.ignoreInvalidRst;
    if (seqBefore(seq, peer.maxack) && !ignoreInvalid) {
      out.outcome = TcpOutcome.INVALID;
      out.message = 'invalid rst';
      return false;
    }
    if (kernel.inexactRstKeepsState) {
      if (!established || seq === peer.maxack) return false;
      // The RST right after this side's last data (a "RST train").
      if (conn.lastIndex === PacketClass.ACK && conn.lastDir === dir && seq === conn.lastEnd)
        return false;
      out.keepState = true;
    }
  }
  if (
    ((entry.seenReply && conn.lastIndex === PacketClass.SYN) ||
      (!entry.assured && conn.lastIndex === PacketClass.ACK)) &&
    tcp.ack >>> 0 === conn.lastEnd
  ) {
    // RST answering a SYN (a) or half-open ACK (c) we let through: its numbers follow that packet.
    return true;
  }
  if (
    modern &&
    oldState === S.SYN_SENT &&
    conn.lastIndex === PacketClass.ACK &&
    conn.lastDir === 1 &&
    seq === conn.lastAck
  ) {
    // The client's RST to a challenge ACK we let through.
    return true;
  }
  return false;
}

/**
 * An out-of-window FIN/RST answering the other side's FIN/RST on an ASSURED entry: the endpoints
 * are closing while conntrack is out of sync, so do not keep the entry for days.
 */
function shrinkTimerOnInvalidClose(
  entry: TrackedEntry,
  conn: TcpConnectionState,
  dir: 0 | 1,
  cls: PacketClassCode,
  nowUs: number,
  settings: ConntrackSettings,
): void {
  if (!entry.assured) return;
  if (cls !== PacketClass.RST && cls !== PacketClass.FIN) return;
  if (
    conn.lastDir !== dir &&
    (conn.lastIndex === PacketClass.FIN || conn.lastIndex === PacketClass.RST)
  ) {
    const remainingUs = entry.expiresUs - nowUs;
    if (remainingUs < 120_000_000) return;
    const unack = settings.tcp.unacknowledged;
    if (remainingUs > unack * 1_000_000) entry.arm(nowUs, unack, 'UNACKNOWLEDGED');
  } else {
    conn.lastIndex = cls;
    conn.lastDir = dir;
  }
}
