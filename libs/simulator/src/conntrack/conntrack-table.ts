import type { ConntrackEntry, Packet } from '@netmortem/domain';
import { NetmortemError } from '@netmortem/domain';
import type { CtDirection, CtInfo, TcpConntrackState, Tuple } from '../model/index.js';
import { type ConntrackRecord, directionOf, TrackedEntry } from './conntrack-record.js';
import { ExpiryHeap } from './expiry-heap.js';
import { TupleIndex } from './tuple-index.js';
import type { KernelProfile } from './kernel-profile.js';
import {
  genericPacket,
  icmpMayCreate,
  icmpPacket,
  isIcmpError,
  PROTO_ICMP,
  PROTO_ICMPV6,
  PROTO_TCP,
  PROTO_UDP,
  udpNew,
  udpPacket,
} from './other-protocols.js';
import type { ConntrackSettings } from './settings.js';
import { PacketClass, S, STATE_NAMES, stateCode } from './tcp-state-table.js';
import { stateTimeout, TcpOutcome, TcpPacketResult, tcpNew, tcpPacket } from './tcp-tracker.js';
import { DirFlag, TcpConnectionState } from './tcp-window.js';

export interface TrackVerdict {
  ctinfo: CtInfo;
  direction?: CtDirection;
  /** The entry the packet belongs to (absent for INVALID and UNTRACKED: no conntrack, no NAT). */
  entry?: ConntrackRecord;
  /** A new, unconfirmed entry: confirm() must follow if the packet survives, else discard(). */
  created: boolean;
  stateBefore?: TcpConntrackState;
  stateAfter?: TcpConntrackState;
  /** Why the packet is INVALID, in the kernel's log wording where it logs one. */
  invalidReason?: string;
  /** An old entry killed by this packet (SYN reopening a TIME_WAIT/CLOSE entry). */
  replaced?: ConntrackRecord;
  /** Let through with its entry but without any update; the kernel's log line for it. */
  ignored?: string;
  /** INVALID: the entry whose tracker rejected the packet. */
  judgedBy?: ConntrackRecord;
  /** The packet's own entry was destroyed by it (a RST before any reply): NAT still applies. */
  destroyed?: boolean;
  /** Entries whose timer had run out, found dead while handling this packet. */
  expired?: ExpiredEntry[];
  /** A non-assured entry evicted to make room (table full). */
  earlyDropped?: ConntrackRecord;
  /** The kernel drops the packet: "nf_conntrack: table full, dropping packet". */
  dropped?: 'table-full';
}

export interface ExpiredEntry {
  entry: ConntrackRecord;
  atUs: number;
  timer: string;
}

export interface ConntrackTableOptions {
  settings: ConntrackSettings;
  profile: KernelProfile;
  /**
   * Seeded randomness (values in [0, 1)) for the NAT core's source-port choice when a
   * translated reply tuple is taken; without it confirm() reports such an entry as a clash.
   */
  random?: () => number;
}

export interface TrackOptions {
  /** The raw table's NOTRACK/CT --notrack matched: the packet bypasses conntrack. */
  untracked?: boolean;
}

export interface SeedOptions {
  /**
   * Window scale per direction [original, reply] assumed for a seeded TCP entry (a listing does
   * not show it). Default 7, what Linux picks with its default buffer sizes.
   */
  windowScale?: readonly [number, number];
  /** Track the seeded entry liberally (never INVALID for window reasons). */
  liberal?: boolean;
}

/** Old kernels listed SYN_SENT2 as LISTEN; it is the simultaneous-open state. */
const SEEDED_STATE_ALIASES: Readonly<Record<string, TcpConntrackState | undefined>> = {
  LISTEN: 'SYN_SENT2',
};

/**
 * The conntrack table: lookup in both directions, creation of unconfirmed entries, NAT reply
 * binding, confirmation, timers, nf_conntrack_max with early drop, and seeding from listings.
 *
 * Limits (documented approximations): early drop picks the oldest non-assured entry (the kernel
 * samples a few hash buckets near the new tuple); the table-full check counts confirmed entries
 * (the kernel also counts unconfirmed ones, at most one in flight in a replay); clash resolution
 * is not modelled (a clash at confirm is reported and the packet dropped, like insert_failed).
 */
export class ConntrackTable {
  readonly settings: ConntrackSettings;
  readonly profile: KernelProfile;
  /** Both tuples of every confirmed entry, tagged with the direction (0 original, 1 reply). */
  private readonly index = new TupleIndex<TrackedEntry>();
  /** Confirmed entries in confirmation order. */
  private readonly byId = new Map<number, TrackedEntry>();
  private readonly heap = new ExpiryHeap<TrackedEntry>();
  private readonly tcpResult = new TcpPacketResult();
  private nextId = 1;

  /** Seeded randomness for NAT source-port choice (see bindUniqueSource); absent: no rebinding. */
  private readonly random: (() => number) | undefined;

  constructor(options: ConntrackTableOptions) {
    this.settings = options.settings;
    this.profile = options.profile;
    this.random = options.random;
  }

  get size(): number {
    return this.byId.size;
  }

  entries(): Iterable<ConntrackRecord> {
    return this.byId.values();
  }

  /** The entry a tuple (either direction) belongs to, if confirmed. */
  lookup(tuple: Tuple): { entry: ConntrackRecord; direction: CtDirection } | undefined {
    const entry = this.index.getTuple(tuple);
    return entry && { entry, direction: directionOf(this.index.foundTag as 0 | 1) };
  }

  /** Tracker state of a TCP entry (window bounds per direction), for diagnostics and tests. */
  tcpDetails(entry: ConntrackRecord): TcpConnectionState | undefined {
    return entry instanceof TrackedEntry ? entry.tcp : undefined;
  }

  track(packet: Packet, nowUs: number, options?: TrackOptions): TrackVerdict {
    if (options?.untracked) return { ctinfo: 'UNTRACKED', created: false };
    const protocol = packet.protocol;
    if ((protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) && isIcmpError(packet)) {
      return this.trackIcmpError(packet, nowUs);
    }
    const verdict = newVerdict('NEW');
    const found = this.index.get(
      protocol,
      packet.src,
      packet.srcPort ?? 0,
      packet.dst,
      packet.dstPort ?? 0,
    );
    if (found === undefined) return this.trackNew(packet, nowUs, verdict);
    if (found.expiresUs <= nowUs) {
      this.expireNow(found, verdict);
      return this.trackNew(packet, nowUs, verdict);
    }

    const entry = found;
    const dir = this.index.foundTag as 0 | 1;
    verdict.direction = directionOf(dir);
    verdict.ctinfo = dir === 1 || entry.seenReply ? 'ESTABLISHED' : 'NEW';

    if (protocol === PROTO_TCP && (packet.tcp === undefined || entry.tcp === undefined)) {
      return this.invalid(verdict, 'truncated packet', entry);
    }
    if (protocol === PROTO_TCP && packet.tcp !== undefined && entry.tcp !== undefined) {
      const r = this.tcpResult;
      tcpPacket(entry, entry.tcp, dir, packet, packet.tcp, nowUs, this.settings, this.profile, r);
      if (r.outcome === TcpOutcome.REOPEN) {
        this.remove(entry);
        verdict.replaced = entry;
        return this.trackNew(packet, nowUs, verdict);
      }
      verdict.stateBefore = STATE_NAMES[r.stateBefore];
      if (r.outcome === TcpOutcome.INVALID) {
        // The entry is unchanged (its timer may have been shortened).
        verdict.stateAfter = STATE_NAMES[entry.tcp.state];
        this.reschedule(entry);
        return this.invalid(verdict, r.message ?? 'invalid', entry);
      }
      verdict.stateAfter = STATE_NAMES[entry.tcp.state];
      entry.tcpState = verdict.stateAfter;
      if (r.outcome === TcpOutcome.IGNORE) verdict.ignored = r.message;
      if (r.kill) {
        this.remove(entry);
        verdict.destroyed = true;
      }
    } else {
      this.otherPacket(entry, packet, nowUs);
    }
    if (dir === 1) entry.seenReply = true;
    entry.lastSeenUs = nowUs;
    verdict.entry = entry;
    this.reschedule(entry);
    return verdict;
  }

  setReply(record: ConntrackRecord, reply: Tuple, nat: ConntrackRecord['nat']): void {
    const entry = this.own(record);
    if (entry.confirmed) {
      throw new NetmortemError(
        'conntrack.nat-after-confirm',
        'NAT can only bind the reply tuple of an unconfirmed entry',
        {
          entryId: entry.id,
        },
      );
    }
    entry.reply = reply;
    entry.nat = nat;
  }

  /**
   * The NAT core's implicit source binding (nf_nat's null binding in POSTROUTING/INPUT): when a
   * translated connection's reply tuple is already held by another entry, the kernel keeps the
   * connection unique by moving its source port (same class of port: <512, 512-1023, >=1024;
   * a random start, then the next free one). Returns the new reply tuple, or undefined when the
   * current one is free or no free port exists.
   */
  bindUniqueSource(record: ConntrackRecord, random: () => number): Tuple | undefined {
    const entry = this.own(record);
    const reply = entry.reply;
    const taken = this.index.getTuple(reply);
    if (taken === undefined || taken === entry) return undefined;
    const port = reply.dstPort;
    const [min, size] = port < 512 ? [1, 511] : port < 1024 ? [600, 424] : [1024, 64_512];
    let offset = Math.floor(random() * 65_536);
    for (let i = 0; i < size; i++, offset++) {
      const candidate = min + (offset % size);
      if (
        this.index.get(reply.protocol, reply.src, reply.srcPort, reply.dst, candidate) !== undefined
      )
        continue;
      entry.reply = { ...reply, dstPort: candidate };
      const kind = entry.nat?.kind;
      entry.nat = { ...entry.nat, kind: kind === 'DNAT' || kind === 'BOTH' ? 'BOTH' : 'SNAT' };
      return entry.reply;
    }
    return undefined;
  }

  /**
   * Insert a surviving packet's new entry. With `random` given to the table, a translated entry
   * whose reply tuple is taken first gets another source port (bindUniqueSource), as in the
   * kernel; `rebound` is then its new reply tuple.
   */
  confirm(
    record: ConntrackRecord,
    nowUs: number,
  ): { inserted: boolean; reason?: 'table-full' | 'clash'; rebound?: Tuple } {
    const entry = this.own(record);
    if (entry.confirmed) return { inserted: true };
    if (!entry.alive) return { inserted: false, reason: 'clash' };
    const rebound =
      this.random !== undefined && entry.nat !== undefined
        ? this.bindUniqueSource(entry, this.random)
        : undefined;
    if (
      this.index.getTuple(entry.original) !== undefined ||
      this.index.getTuple(entry.reply) !== undefined
    ) {
      // Another entry took one of the tuples since this one was created (insert_failed).
      entry.alive = false;
      return { inserted: false, reason: 'clash' };
    }
    if (this.byId.size >= this.settings.max && !this.makeRoom(nowUs, undefined)) {
      entry.alive = false;
      return { inserted: false, reason: 'table-full' };
    }
    this.insert(entry);
    return rebound === undefined ? { inserted: true } : { inserted: true, rebound };
  }

  /**
   * Remove an entry as `conntrack -D` / a DESTROY event / a flush would (anchoring the model to
   * observed deletions). Returns whether it was in the table.
   */
  destroy(record: ConntrackRecord): boolean {
    const entry = this.own(record);
    const wasPresent = entry.confirmed && entry.alive;
    this.remove(entry);
    return wasPresent;
  }

  /** `conntrack -F`: every entry goes. */
  flush(): ConntrackRecord[] {
    const all = [...this.byId.values()];
    for (const entry of all) this.remove(entry);
    return all;
  }

  discard(record: ConntrackRecord): void {
    const entry = this.own(record);
    if (!entry.confirmed) entry.alive = false;
  }

  expire(nowUs: number): ExpiredEntry[] {
    const out: ExpiredEntry[] = [];
    const heap = this.heap;
    while (heap.peekDue() <= nowUs) {
      const due = heap.peekDue();
      const entry = heap.pop() as TrackedEntry;
      if (!entry.alive || entry.heapDue !== due) continue;
      if (entry.expiresUs <= nowUs) {
        entry.heapDue = -1;
        out.push({ entry, atUs: entry.expiresUs, timer: entry.timerState });
        this.remove(entry);
      } else {
        entry.heapDue = entry.expiresUs;
        heap.push(entry.expiresUs, entry);
      }
    }
    if (out.length > 1) out.sort((a, b) => a.atUs - b.atUs || a.entry.id - b.entry.id);
    return out;
  }

  /**
   * Anchor an entry observed in `conntrack -L` / `-E`: replaces whatever the model holds for
   * its tuples. TCP window data is not in a listing: each direction is learned from its next
   * packet (see SeedOptions for the assumed window scale).
   */
  seed(observed: ConntrackEntry, nowUs: number, options?: SeedOptions): ConntrackRecord {
    const protocol = observed.protocolNumber;
    const original: Tuple = {
      protocol,
      src: observed.original.src,
      dst: observed.original.dst,
      srcPort: observed.original.srcPort ?? 0,
      dstPort: observed.original.dstPort ?? 0,
    };
    const reply: Tuple = {
      protocol,
      src: observed.reply.src,
      dst: observed.reply.dst,
      srcPort: observed.reply.srcPort ?? 0,
      dstPort: observed.reply.dstPort ?? 0,
    };
    for (const tuple of [original, reply]) {
      const existing = this.index.getTuple(tuple);
      if (existing !== undefined) this.remove(existing);
    }
    const entry = new TrackedEntry(this.nextId++, original, reply, nowUs);
    entry.seeded = true;
    entry.assured = observed.assured;
    entry.seenReply = !observed.unreplied;
    entry.mark = observed.mark ?? 0;
    const natted = original.src !== reply.dst || original.srcPort !== reply.dstPort;
    const dnatted = original.dst !== reply.src || original.dstPort !== reply.srcPort;
    if (natted || dnatted)
      entry.nat = { kind: natted && dnatted ? 'BOTH' : dnatted ? 'DNAT' : 'SNAT' };

    let timer = 'GENERIC';
    let defaultSeconds = this.settings.genericTimeout;
    if (protocol === PROTO_TCP) {
      const name = observed.tcpState ?? 'ESTABLISHED';
      const state: TcpConntrackState = SEEDED_STATE_ALIASES[name] ?? (name as TcpConntrackState);
      const conn = new TcpConnectionState();
      conn.state = Math.max(0, stateCode(state));
      const scales = options?.windowScale ?? [7, 7];
      for (const dir of [0, 1] as const) {
        const seen = conn.seen[dir];
        seen.scale = scales[dir];
        seen.flags =
          DirFlag.WINDOW_SCALE | DirFlag.SACK_PERM | (options?.liberal ? DirFlag.BE_LIBERAL : 0);
      }
      // A closing state means a FIN was seen (which side is not listed: either will do, the
      // reopen test looks at both); CLOSE means a RST, assumed from the original side.
      if (conn.state >= S.FIN_WAIT && conn.state <= S.TIME_WAIT)
        conn.seen[0].flags |= DirFlag.CLOSE_INIT;
      if (conn.state === S.CLOSE) conn.lastIndex = PacketClass.RST;
      entry.tcp = conn;
      entry.tcpState = STATE_NAMES[conn.state];
      timer = entry.tcpState ?? 'ESTABLISHED';
      defaultSeconds = stateTimeout(this.settings.tcp, conn.state);
    } else if (protocol === PROTO_UDP) {
      timer = entry.assured ? 'UDP_STREAM' : 'UDP';
      defaultSeconds = entry.assured ? this.settings.udpStreamTimeout : this.settings.udpTimeout;
      entry.udpStreamAfterUs = nowUs;
    } else if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) {
      timer = 'ICMP';
      defaultSeconds = this.settings.icmpTimeout;
    }
    entry.arm(nowUs, observed.timeoutSec ?? defaultSeconds, timer);
    this.insert(entry);
    return entry;
  }

  private trackNew(packet: Packet, nowUs: number, verdict: TrackVerdict): TrackVerdict {
    const protocol = packet.protocol;
    if (protocol === PROTO_TCP && packet.tcp === undefined)
      return this.invalid(verdict, 'truncated packet');
    if ((protocol === PROTO_ICMP || protocol === PROTO_ICMPV6) && !icmpMayCreate(packet)) {
      return this.invalid(
        verdict,
        `icmp: can't create new conn with type ${packet.icmp?.type ?? '?'}`,
      );
    }
    if (this.byId.size >= this.settings.max && !this.makeRoom(nowUs, verdict)) {
      verdict.dropped = 'table-full';
      return this.invalid(verdict, 'table full, dropping packet');
    }
    const original: Tuple = {
      protocol,
      src: packet.src,
      dst: packet.dst,
      srcPort: packet.srcPort ?? 0,
      dstPort: packet.dstPort ?? 0,
    };
    const reply: Tuple = {
      protocol,
      src: original.dst,
      dst: original.src,
      srcPort: original.dstPort,
      dstPort: original.srcPort,
    };
    const entry = new TrackedEntry(this.nextId, original, reply, nowUs);
    verdict.direction = 'original';
    verdict.ctinfo = 'NEW';

    if (protocol === PROTO_TCP && packet.tcp !== undefined) {
      const conn = new TcpConnectionState();
      const refused = tcpNew(conn, packet, packet.tcp, this.settings, this.profile);
      if (refused !== undefined) return this.invalid(verdict, refused);
      entry.tcp = conn;
      const r = this.tcpResult;
      tcpPacket(entry, conn, 0, packet, packet.tcp, nowUs, this.settings, this.profile, r);
      verdict.stateBefore = 'NONE';
      if (r.outcome === TcpOutcome.INVALID || r.outcome === TcpOutcome.REOPEN || r.kill) {
        return this.invalid(verdict, r.message ?? 'invalid new');
      }
      verdict.stateAfter = STATE_NAMES[conn.state];
      entry.tcpState = verdict.stateAfter;
      if (r.outcome === TcpOutcome.IGNORE) verdict.ignored = r.message;
    } else if (protocol === PROTO_UDP) {
      udpNew(entry, nowUs);
      udpPacket(entry, nowUs, this.settings);
    } else {
      this.otherPacket(entry, packet, nowUs);
    }
    this.nextId++;
    verdict.created = true;
    verdict.entry = entry;
    return verdict;
  }

  private otherPacket(entry: TrackedEntry, packet: Packet, nowUs: number): void {
    const protocol = packet.protocol;
    if (protocol === PROTO_UDP) udpPacket(entry, nowUs, this.settings);
    else if (protocol === PROTO_ICMP || protocol === PROTO_ICMPV6)
      icmpPacket(entry, nowUs, this.settings);
    else genericPacket(entry, nowUs, this.settings);
  }

  /**
   * ICMP errors: the entry of the quoted packet, looked up by its inverse (the quoted packet is
   * what the error's receiver sent, possibly after NAT). RELATED; INVALID when nothing matches.
   */
  private trackIcmpError(packet: Packet, nowUs: number): TrackVerdict {
    const verdict = newVerdict('RELATED');
    const quoted = packet.icmp?.quoted;
    if (quoted === undefined) return this.invalid(verdict, 'icmp: no quoted packet');
    const quotedEntry = this.index.get(
      quoted.protocol,
      quoted.dst,
      quoted.dstPort ?? 0,
      quoted.src,
      quoted.srcPort ?? 0,
    );
    const dir = this.index.foundTag as 0 | 1;
    if (quotedEntry === undefined || quotedEntry.expiresUs <= nowUs) {
      if (quotedEntry !== undefined) this.expireNow(quotedEntry, verdict);
      return this.invalid(verdict, 'icmp: no conntrack entry for the quoted packet');
    }
    verdict.direction = directionOf(dir);
    verdict.entry = quotedEntry;
    if (quotedEntry.tcpState !== undefined) {
      verdict.stateBefore = quotedEntry.tcpState;
      verdict.stateAfter = quotedEntry.tcpState;
    }
    return verdict;
  }

  private invalid(verdict: TrackVerdict, reason: string, judgedBy?: TrackedEntry): TrackVerdict {
    verdict.ctinfo = 'INVALID';
    verdict.invalidReason = reason;
    verdict.created = false;
    verdict.entry = undefined;
    if (judgedBy !== undefined) verdict.judgedBy = judgedBy;
    return verdict;
  }

  private expireNow(entry: TrackedEntry, verdict: TrackVerdict): void {
    (verdict.expired ??= []).push({ entry, atUs: entry.expiresUs, timer: entry.timerState });
    this.remove(entry);
  }

  /** Evict to make room for one entry: a dead one, else the oldest non-assured one. */
  private makeRoom(nowUs: number, verdict: TrackVerdict | undefined): boolean {
    let victim: TrackedEntry | undefined;
    for (const entry of this.byId.values()) {
      if (entry.expiresUs <= nowUs) {
        if (verdict)
          (verdict.expired ??= []).push({ entry, atUs: entry.expiresUs, timer: entry.timerState });
        this.remove(entry);
        return true;
      }
      if (victim === undefined && !entry.assured) victim = entry;
    }
    if (victim === undefined) return false;
    this.remove(victim);
    if (verdict) verdict.earlyDropped = victim;
    return true;
  }

  private insert(entry: TrackedEntry): void {
    entry.confirmed = true;
    entry.alive = true;
    this.index.set(entry.original, entry, 0);
    this.index.set(entry.reply, entry, 1);
    this.byId.set(entry.id, entry);
    this.reschedule(entry);
  }

  private remove(entry: TrackedEntry): void {
    entry.alive = false;
    if (!entry.confirmed) return;
    this.index.delete(entry.original, entry);
    this.index.delete(entry.reply, entry);
    this.byId.delete(entry.id);
    // A removed entry is never tracked again; the replay's timeline keeps the record for the
    // rest of the run, and without this its window state would stay alive with it.
    entry.tcp = undefined;
  }

  /** Heap nodes are only added when the due time moves earlier; later moves are found on pop. */
  private reschedule(entry: TrackedEntry): void {
    if (!entry.confirmed || !entry.alive) return;
    if (entry.heapDue < 0 || entry.expiresUs < entry.heapDue) {
      entry.heapDue = entry.expiresUs;
      this.heap.push(entry.expiresUs, entry);
    }
  }

  private own(record: ConntrackRecord): TrackedEntry {
    if (!(record instanceof TrackedEntry)) {
      throw new NetmortemError(
        'conntrack.foreign-record',
        'this record does not come from a conntrack table',
        {
          entryId: record.id,
        },
      );
    }
    return record;
  }
}

/**
 * Every verdict starts with the same fields in the same order, so the hot path creates objects
 * of one shape (optional fields read as undefined, as the interface allows).
 */
function newVerdict(ctinfo: CtInfo): TrackVerdict {
  return {
    ctinfo,
    direction: undefined,
    entry: undefined,
    created: false,
    stateBefore: undefined,
    stateAfter: undefined,
    invalidReason: undefined,
    ignored: undefined,
  };
}
