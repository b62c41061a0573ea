/** An entry remembers its hash so removal can find its slot without rebuilding the key. */
export interface TableEntry {
  tableHash: number;
}

const STRIDE = 12;
const HASH = 0;
const META = 1;
const CLIENT = 2;
const SERVER = 6;
const PORTS = 10;

/**
 * Flows by 5-tuple, either direction. Keys live in one Uint32Array (four address words per
 * endpoint, ports packed), entries in a parallel array: a lookup hashes numbers and compares
 * words, with no string keys and no allocation. Open addressing with linear probing and
 * backward-shift deletion (no tombstones), grown at half load.
 */
export class FlowTable<T extends TableEntry> {
  /** After a successful lookup: 1 when the packet goes client to server, 2 the other way. */
  direction = 0;
  size = 0;
  private capacity: number;
  private mask: number;
  private keys: Uint32Array;
  private entries: (T | undefined)[];

  constructor(initialCapacity = 1024) {
    this.capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.mask = this.capacity - 1;
    this.keys = new Uint32Array(this.capacity * STRIDE);
    this.entries = new Array<T | undefined>(this.capacity).fill(undefined);
  }

  /** The flow of a packet from (a) to (b), setting `direction`. */
  find(
    version: number,
    protocol: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    aPort: number,
    b0: number,
    b1: number,
    b2: number,
    b3: number,
    bPort: number,
  ): T | undefined {
    const hash = tupleHash(version, protocol, a0, a1, a2, a3, aPort, b0, b1, b2, b3, bPort);
    const meta = version | (protocol << 8);
    const keys = this.keys;
    const forward = ((aPort << 16) | bPort) >>> 0;
    const backward = ((bPort << 16) | aPort) >>> 0;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.entries[slot];
      if (entry === undefined) return undefined;
      const k = slot * STRIDE;
      if (keys[k + HASH] !== hash || keys[k + META] !== meta) continue;
      const ports = keys[k + PORTS];
      if (
        ports === forward &&
        keys[k + CLIENT] === a0 &&
        keys[k + CLIENT + 1] === a1 &&
        keys[k + CLIENT + 2] === a2 &&
        keys[k + CLIENT + 3] === a3 &&
        keys[k + SERVER] === b0 &&
        keys[k + SERVER + 1] === b1 &&
        keys[k + SERVER + 2] === b2 &&
        keys[k + SERVER + 3] === b3
      ) {
        this.direction = 1;
        return entry;
      }
      if (
        ports === backward &&
        keys[k + CLIENT] === b0 &&
        keys[k + CLIENT + 1] === b1 &&
        keys[k + CLIENT + 2] === b2 &&
        keys[k + CLIENT + 3] === b3 &&
        keys[k + SERVER] === a0 &&
        keys[k + SERVER + 1] === a1 &&
        keys[k + SERVER + 2] === a2 &&
        keys[k + SERVER + 3] === a3
      ) {
        this.direction = 2;
        return entry;
      }
    }
  }

  /** Adds a flow whose client is (c) and server (s); the tuple must not be present. */
  insert(
    entry: T,
    version: number,
    protocol: number,
    c0: number,
    c1: number,
    c2: number,
    c3: number,
    cPort: number,
    s0: number,
    s1: number,
    s2: number,
    s3: number,
    sPort: number,
  ): void {
    if ((this.size + 1) * 2 > this.capacity) this.grow();
    const hash = tupleHash(version, protocol, c0, c1, c2, c3, cPort, s0, s1, s2, s3, sPort);
    entry.tableHash = hash;
    let slot = hash & this.mask;
    while (this.entries[slot] !== undefined) slot = (slot + 1) & this.mask;
    const k = slot * STRIDE;
    const keys = this.keys;
    keys[k + HASH] = hash;
    keys[k + META] = version | (protocol << 8);
    keys[k + CLIENT] = c0;
    keys[k + CLIENT + 1] = c1;
    keys[k + CLIENT + 2] = c2;
    keys[k + CLIENT + 3] = c3;
    keys[k + SERVER] = s0;
    keys[k + SERVER + 1] = s1;
    keys[k + SERVER + 2] = s2;
    keys[k + SERVER + 3] = s3;
    keys[k + PORTS] = ((cPort << 16) | sPort) >>> 0;
    this.entries[slot] = entry;
    this.size += 1;
  }

  remove(entry: T): void {
    let slot = entry.tableHash & this.mask;
    for (;;) {
      const found = this.entries[slot];
      if (found === undefined) return;
      if (found === entry) break;
      slot = (slot + 1) & this.mask;
    }
    this.size -= 1;
    // Backward shift: pull later entries of the probe run into the hole so lookups that
    // would have passed through it still find them.
    let hole = slot;
    let next = slot;
    for (;;) {
      next = (next + 1) & this.mask;
      const moved = this.entries[next];
      if (moved === undefined) break;
      const home = (this.keys[next * STRIDE + HASH] as number) & this.mask;
      const fromHole = (next - hole) & this.mask;
      const fromHome = (next - home) & this.mask;
      if (fromHome >= fromHole) {
        this.entries[hole] = moved;
        this.keys.copyWithin(hole * STRIDE, next * STRIDE, next * STRIDE + STRIDE);
        hole = next;
      }
    }
    this.entries[hole] = undefined;
  }

  *values(): IterableIterator<T> {
    for (const entry of this.entries) if (entry !== undefined) yield entry;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldEntries = this.entries;
    this.capacity *= 2;
    this.mask = this.capacity - 1;
    this.keys = new Uint32Array(this.capacity * STRIDE);
    this.entries = new Array<T | undefined>(this.capacity).fill(undefined);
    for (let i = 0; i < oldEntries.length; i++) {
      const entry = oldEntries[i];
      if (entry === undefined) continue;
      let slot = entry.tableHash & this.mask;
      while (this.entries[slot] !== undefined) slot = (slot + 1) & this.mask;
      this.keys.set(oldKeys.subarray(i * STRIDE, i * STRIDE + STRIDE), slot * STRIDE);
      this.entries[slot] = entry;
    }
  }
}

/**
 * Same value for (a, b) and (b, a): the endpoints are combined with sums and xors, which do
 * not depend on the order, then mixed once (a murmur3 finaliser).
 */
function tupleHash(
  version: number,
  protocol: number,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  aPort: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  bPort: number,
): number {
  let h = Math.imul((a0 + b0) | 0, 0x9e3779b1);
  h ^= Math.imul((a1 + b1) ^ (a2 + b2) ^ (a3 + b3), 0x85ebca6b);
  h += ((aPort + bPort) | ((aPort ^ bPort) << 17)) ^ (version << 8) ^ protocol;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
