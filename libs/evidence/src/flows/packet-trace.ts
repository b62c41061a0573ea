import type { PacketView } from '../capture/packet-view.js';

/** One packet of a flow, reduced to what matching two captures of it needs. */
export interface PacketDigest {
  readonly packet: number;
  readonly timeUs: number;
  readonly fromClient: boolean;
  /** TCP flags (-1 for UDP). */
  readonly flags: number;
  readonly seq: number;
  readonly ack: number;
  readonly length: number;
  /** IP identification, -1 when absent. */
  readonly ipId: number;
}

/** The first and the last packets of a flow (each list at most the trace size). */
export interface FlowTrace {
  readonly first: readonly PacketDigest[];
  readonly last: readonly PacketDigest[];
  /** Packets between the two lists that were not kept. */
  readonly skipped: number;
}

const FIELDS = 8;

/**
 * The first N and the last N packets of a flow in typed arrays: a fixed cost per flow
 * (16 N numbers), whatever its length, so correlation can be offered on any capture.
 */
export class PacketTrace {
  private readonly head: Float64Array;
  private readonly tail: Float64Array;
  private count = 0;

  constructor(private readonly size: number) {
    this.head = new Float64Array(size * FIELDS);
    this.tail = new Float64Array(size * FIELDS);
  }

  reset(): void {
    this.count = 0;
  }

  add(view: PacketView, fromClient: boolean): void {
    const n = this.count++;
    const target = n < this.size ? this.head : this.tail;
    const at = (n < this.size ? n : (n - this.size) % this.size) * FIELDS;
    target[at] = view.number;
    target[at + 1] = view.timeUs;
    target[at + 2] = fromClient ? 1 : 0;
    target[at + 3] = view.tcpFlags;
    target[at + 4] = view.seq;
    target[at + 5] = view.ack;
    target[at + 6] = view.payloadLength;
    target[at + 7] = view.ipId;
  }

  toTrace(): FlowTrace {
    const first: PacketDigest[] = [];
    const last: PacketDigest[] = [];
    const headCount = Math.min(this.count, this.size);
    for (let i = 0; i < headCount; i++) first.push(digest(this.head, i));
    const tailCount = Math.min(Math.max(this.count - this.size, 0), this.size);
    const start = this.count - this.size - tailCount;
    for (let i = 0; i < tailCount; i++) last.push(digest(this.tail, (start + i) % this.size));
    return { first, last, skipped: Math.max(0, this.count - headCount - tailCount) };
  }
}

function digest(store: Float64Array, index: number): PacketDigest {
  const at = index * FIELDS;
  return {
    packet: store[at] as number,
    timeUs: store[at + 1] as number,
    fromClient: store[at + 2] === 1,
    flags: store[at + 3] as number,
    seq: store[at + 4] as number,
    ack: store[at + 5] as number,
    length: store[at + 6] as number,
    ipId: store[at + 7] as number,
  };
}

/**
 * A trace folded into one typed array (8 numbers per packet, plus the head count and the
 * skipped count): what a bundle keeps per flow while waiting to correlate captures, at a
 * tenth of the memory of the digest objects.
 */
export function packTrace(trace: FlowTrace): Float64Array {
  const packets = [...trace.first, ...trace.last];
  const packed = new Float64Array(2 + packets.length * FIELDS);
  packed[0] = trace.first.length;
  packed[1] = trace.skipped;
  packets.forEach((packet, index) => {
    const at = 2 + index * FIELDS;
    packed[at] = packet.packet;
    packed[at + 1] = packet.timeUs;
    packed[at + 2] = packet.fromClient ? 1 : 0;
    packed[at + 3] = packet.flags;
    packed[at + 4] = packet.seq;
    packed[at + 5] = packet.ack;
    packed[at + 6] = packet.length;
    packed[at + 7] = packet.ipId;
  });
  return packed;
}

export function unpackTrace(packed: Float64Array): FlowTrace {
  const headCount = packed[0] ?? 0;
  const total = (packed.length - 2) / FIELDS;
  const body = packed.subarray(2);
  const first: PacketDigest[] = [];
  const last: PacketDigest[] = [];
  for (let index = 0; index < total; index += 1)
    (index < headCount ? first : last).push(digest(body, index));
  return { first, last, skipped: packed[1] ?? 0 };
}
