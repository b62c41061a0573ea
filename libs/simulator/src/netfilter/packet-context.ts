import type { Tuple } from '../model/index.js';
import { addressKey, parseIpAddress, type IpAddress } from './ip-address.js';
import type {
  ConntrackView,
  EvaluationEnvironment,
  Hook,
  PacketHeaders,
} from './netfilter-types.js';

/** Marks the packet (and its entry) carry, which MARK/CONNMARK change as rules run. */
export interface MutableMarks {
  mark: number;
  ctmark: number;
  markChanged: boolean;
  ctmarkChanged: boolean;
  notrack: boolean;
}

/** Everything a compiled match reads, prepared once per `run`. */
export interface PacketContext extends MutableMarks {
  readonly packet: PacketHeaders;
  readonly ct: ConntrackView;
  readonly hook: Hook;
  readonly env: EvaluationEnvironment;
  readonly src: IpAddress | undefined;
  readonly dst: IpAddress | undefined;
  /** Probing alternatives: matches must not change state (nth counters). */
  dry: boolean;
  /** Notes a match leaves about what it assumed; the walker files them under the rule. */
  readonly notes: string[];
  /** Parsed conntrack tuple addresses, on first use. */
  tupleAddress(which: 'origsrc' | 'origdst' | 'replsrc' | 'repldst'): IpAddress | undefined;
  originalTuple(): Tuple | undefined;
  replyTuple(): Tuple | undefined;
  isLocal(address: IpAddress | undefined): boolean;
}

/** Small cache: a replay asks about the same few addresses over and over. */
export class AddressCache {
  private readonly cache = new Map<string, IpAddress | null>();
  get(text: string): IpAddress | undefined {
    const known = this.cache.get(text);
    if (known !== undefined) return known ?? undefined;
    if (this.cache.size > 65536) this.cache.clear();
    const parsed = parseIpAddress(text);
    this.cache.set(text, parsed ?? null);
    return parsed;
  }
}

/** The host's addresses by canonical key, refreshed when the set changes size. */
export class LocalAddressIndex {
  private keys = new Set<string>();
  private seenSize = -1;
  constructor(
    private readonly env: EvaluationEnvironment,
    private readonly addresses: AddressCache,
  ) {}
  has(address: IpAddress | undefined): boolean {
    if (!address) return false;
    const set = this.env.localAddresses;
    if (set.size !== this.seenSize) {
      this.keys = new Set();
      for (const text of set) {
        const parsed = this.addresses.get(text);
        if (parsed) this.keys.add(addressKey(parsed));
      }
      this.seenSize = set.size;
    }
    if (this.keys.has(addressKey(address))) return true;
    // The loopback ranges are local whether or not the environment lists them.
    return address.family === 4
      ? (address.words[0] ?? 0) >>> 24 === 127
      : address.words[0] === 0 &&
          address.words[1] === 0 &&
          address.words[2] === 0 &&
          address.words[3] === 1;
  }
}

function packetTuple(packet: PacketHeaders): Tuple {
  return {
    protocol: packet.protocol,
    src: packet.src,
    dst: packet.dst,
    srcPort: packet.srcPort,
    dstPort: packet.dstPort,
  };
}

function invert(t: Tuple): Tuple {
  return { protocol: t.protocol, src: t.dst, dst: t.src, srcPort: t.dstPort, dstPort: t.srcPort };
}

/**
 * Methods on the prototype, and one object reused run after run by an evaluator (see
 * `reusePacketContext`): a run allocates as little as possible.
 */
class RunContext implements PacketContext {
  mark: number;
  ctmark: number;
  markChanged = false;
  ctmarkChanged = false;
  notrack = false;
  dry = false;
  readonly notes: string[] = [];
  // Parsed on first use: many chains (conntrack state, marks) never look at the addresses.
  private parsedSrc: IpAddress | null | undefined = undefined;
  private parsedDst: IpAddress | null | undefined = undefined;
  private original: Tuple | null | undefined;
  private tupleAddresses: (IpAddress | null | undefined)[] | undefined;

  constructor(
    public packet: PacketHeaders,
    public ct: ConntrackView,
    public hook: Hook,
    readonly env: EvaluationEnvironment,
    private readonly addresses: AddressCache,
    private readonly locals: LocalAddressIndex,
  ) {
    this.mark = packet.mark ?? 0;
    this.ctmark = ct.mark;
  }

  /** Ready for another run: as new, without the allocation. */
  reset(packet: PacketHeaders, ct: ConntrackView, hook: Hook): void {
    this.packet = packet;
    this.ct = ct;
    this.hook = hook;
    this.mark = packet.mark ?? 0;
    this.ctmark = ct.mark;
    this.markChanged = false;
    this.ctmarkChanged = false;
    this.notrack = false;
    this.dry = false;
    if (this.notes.length > 0) this.notes.length = 0;
    this.parsedSrc = undefined;
    this.parsedDst = undefined;
    this.original = undefined;
    if (this.tupleAddresses) this.tupleAddresses.fill(undefined);
  }

  get src(): IpAddress | undefined {
    if (this.parsedSrc === undefined) this.parsedSrc = this.addresses.get(this.packet.src) ?? null;
    return this.parsedSrc ?? undefined;
  }

  get dst(): IpAddress | undefined {
    if (this.parsedDst === undefined) this.parsedDst = this.addresses.get(this.packet.dst) ?? null;
    return this.parsedDst ?? undefined;
  }

  // Without tuples from the caller, the packet itself shows the entry's direction.
  originalTuple(): Tuple | undefined {
    if (this.ct.original) return this.ct.original;
    if (this.original === undefined) {
      const { ct, packet } = this;
      this.original =
        ct.ctinfo === 'INVALID' || ct.ctinfo === 'UNTRACKED'
          ? null
          : ct.direction === 'reply'
            ? invert(packetTuple(packet))
            : packetTuple(packet);
    }
    return this.original ?? undefined;
  }

  replyTuple(): Tuple | undefined {
    if (this.ct.reply) return this.ct.reply;
    const o = this.originalTuple();
    return o ? invert(o) : undefined;
  }

  tupleAddress(which: 'origsrc' | 'origdst' | 'replsrc' | 'repldst'): IpAddress | undefined {
    const slot = which === 'origsrc' ? 0 : which === 'origdst' ? 1 : which === 'replsrc' ? 2 : 3;
    this.tupleAddresses ??= [undefined, undefined, undefined, undefined];
    const cached = this.tupleAddresses[slot];
    if (cached !== undefined) return cached ?? undefined;
    const tuple = slot < 2 ? this.originalTuple() : this.replyTuple();
    const text = tuple ? (slot % 2 === 0 ? tuple.src : tuple.dst) : undefined;
    const parsed = text === undefined ? undefined : this.addresses.get(text);
    this.tupleAddresses[slot] = parsed ?? null;
    return parsed;
  }

  isLocal(address: IpAddress | undefined): boolean {
    return this.locals.has(address);
  }
}

/**
 * A context for another run: `previous` reset when this module made it, else a new one. The
 * caller must be done with `previous` (nothing a run returns refers to its context).
 */
export function reusePacketContext(
  previous: PacketContext | undefined,
  packet: PacketHeaders,
  ct: ConntrackView,
  hook: Hook,
  env: EvaluationEnvironment,
  addresses: AddressCache,
  locals: LocalAddressIndex,
): PacketContext {
  if (previous instanceof RunContext && previous.env === env) {
    previous.reset(packet, ct, hook);
    return previous;
  }
  return new RunContext(packet, ct, hook, env, addresses, locals);
}

export function createPacketContext(
  packet: PacketHeaders,
  ct: ConntrackView,
  hook: Hook,
  env: EvaluationEnvironment,
  addresses: AddressCache,
  locals: LocalAddressIndex,
): PacketContext {
  return new RunContext(packet, ct, hook, env, addresses, locals);
}
