import type { Tuple } from '../model/index.js';

/** Slot states of the open-addressing table. */
const EMPTY = 0;
const FULL = 1;
/** A deleted slot: probes walk past it, inserts may reuse it. */
const GONE = 2;

const INITIAL_CAPACITY = 1024;

/**
 * Tuple -> value (plus a small tag, e.g. the direction), in one open-addressing hash table
 * over typed arrays. Addresses are interned
 * to small integers once (a lookup then hashes two short strings in a small, hot map instead
 * of walking nested maps spread over the heap), and a tuple's slot is found by integer
 * compares in contiguous memory: the replay looks up every packet, and on a busy machine the
 * cache misses of nested maps cost more than the rest of the tracking.
 *
 * Interned addresses are never forgotten: a capture holds few distinct addresses compared to
 * its packets. Deleted slots are marked and reclaimed when the table is rebuilt.
 */
export class TupleIndex<V> {
  private readonly addressIds = new Map<string, number>();
  private capacity = INITIAL_CAPACITY;
  private mask = INITIAL_CAPACITY - 1;
  private state = new Uint8Array(INITIAL_CAPACITY);
  private protocols = new Int32Array(INITIAL_CAPACITY);
  private sources = new Int32Array(INITIAL_CAPACITY);
  private destinations = new Int32Array(INITIAL_CAPACITY);
  private ports = new Int32Array(INITIAL_CAPACITY);
  private tags = new Uint8Array(INITIAL_CAPACITY);
  private values: (V | undefined)[] = new Array<V | undefined>(INITIAL_CAPACITY).fill(undefined);
  /** Full slots, and full plus deleted ones (what lengthens probes). */
  private full = 0;
  private used = 0;

  /** The tag stored with the value the last successful get returned. */
  foundTag = 0;

  get size(): number {
    return this.full;
  }

  get(protocol: number, src: string, srcPort: number, dst: string, dstPort: number): V | undefined {
    const ids = this.addressIds;
    const source = ids.get(src);
    if (source === undefined) return undefined;
    const destination = ids.get(dst);
    if (destination === undefined) return undefined;
    const slot = this.find(protocol, source, destination, portKey(srcPort, dstPort));
    if (slot < 0) return undefined;
    this.foundTag = this.tags[slot] as number;
    return this.values[slot];
  }

  getTuple(t: Tuple): V | undefined {
    return this.get(t.protocol, t.src, t.srcPort, t.dst, t.dstPort);
  }

  /** `tag` (0-255) comes back in `foundTag` when the value is found. */
  set(t: Tuple, value: V, tag = 0): void {
    const source = this.intern(t.src);
    const destination = this.intern(t.dst);
    const key = portKey(t.srcPort, t.dstPort);
    const found = this.find(t.protocol, source, destination, key);
    if (found >= 0) {
      this.values[found] = value;
      this.tags[found] = tag;
      return;
    }
    if ((this.used + 1) * 2 > this.capacity) this.rebuild();
    this.place(t.protocol, source, destination, key, value, tag);
  }

  /** Removes the tuple's value, only if it is `value` (another entry may own the tuple now). */
  delete(t: Tuple, value: V): void {
    const ids = this.addressIds;
    const source = ids.get(t.src);
    const destination = ids.get(t.dst);
    if (source === undefined || destination === undefined) return;
    const slot = this.find(t.protocol, source, destination, portKey(t.srcPort, t.dstPort));
    if (slot < 0 || this.values[slot] !== value) return;
    this.state[slot] = GONE;
    this.values[slot] = undefined;
    this.full -= 1;
  }

  private intern(address: string): number {
    let id = this.addressIds.get(address);
    if (id === undefined) {
      id = this.addressIds.size;
      this.addressIds.set(address, id);
    }
    return id;
  }

  /** The slot holding this key, or -1. */
  private find(protocol: number, source: number, destination: number, ports: number): number {
    const mask = this.mask;
    const state = this.state;
    let slot = hash(protocol, source, destination, ports) & mask;
    for (;;) {
      const s = state[slot] as number;
      if (s === EMPTY) return -1;
      if (
        s === FULL &&
        this.ports[slot] === ports &&
        this.sources[slot] === source &&
        this.destinations[slot] === destination &&
        this.protocols[slot] === protocol
      )
        return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Puts a key known to be absent in the first free slot of its probe sequence. */
  private place(
    protocol: number,
    source: number,
    destination: number,
    ports: number,
    value: V,
    tag: number,
  ): void {
    const mask = this.mask;
    const state = this.state;
    let slot = hash(protocol, source, destination, ports) & mask;
    while (state[slot] === FULL) slot = (slot + 1) & mask;
    if (state[slot] === EMPTY) this.used += 1;
    state[slot] = FULL;
    this.protocols[slot] = protocol;
    this.sources[slot] = source;
    this.destinations[slot] = destination;
    this.ports[slot] = ports;
    this.tags[slot] = tag;
    this.values[slot] = value;
    this.full += 1;
  }

  /** Drops deleted slots; doubles the capacity when more than a quarter is really in use. */
  private rebuild(): void {
    const { state, protocols, sources, destinations, ports, tags, values, capacity } = this;
    const next = this.full * 4 > capacity ? capacity * 2 : capacity;
    this.capacity = next;
    this.mask = next - 1;
    this.state = new Uint8Array(next);
    this.protocols = new Int32Array(next);
    this.sources = new Int32Array(next);
    this.destinations = new Int32Array(next);
    this.ports = new Int32Array(next);
    this.tags = new Uint8Array(next);
    this.values = new Array<V | undefined>(next).fill(undefined);
    this.full = 0;
    this.used = 0;
    for (let slot = 0; slot < capacity; slot++) {
      if (state[slot] !== FULL) continue;
      this.place(
        protocols[slot] as number,
        sources[slot] as number,
        destinations[slot] as number,
        ports[slot] as number,
        values[slot] as V,
        tags[slot] as number,
      );
    }
  }
}

/** Source and destination port (16 bits each) in one signed 32-bit integer, one to one. */
function portKey(srcPort: number, dstPort: number): number {
  return ((srcPort & 0xffff) << 16) | (dstPort & 0xffff);
}

/** Mixes the four key parts so that neighbouring ports and ids spread over the table. */
function hash(protocol: number, source: number, destination: number, ports: number): number {
  let h = Math.imul(ports ^ (protocol << 24), 0x9e3779b1);
  h = Math.imul(h ^ source ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ destination ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
