import type { ConntrackRecord } from '../conntrack/index.js';
import { TupleIndex } from '../conntrack/tuple-index.js';
import { invertTuple, type Tuple } from '../model/index.js';

/** A NATed connection as one of its directions looks on the wire after translation. */
export interface WireBinding {
  readonly entry: ConntrackRecord;
  /** The wire form (after NAT). */
  readonly wire: Tuple;
  /** What the packet was before NAT rewrote it (the tuple conntrack keys it by). */
  readonly tuple: Tuple;
}

interface PacketAddresses {
  readonly protocol: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort?: number;
  readonly dstPort?: number;
}

/**
 * The translated forms of every live NAT binding, so a packet captured after NAT (leaving
 * through the captured interface) can be mapped back to the tuple conntrack knows. Keyed by the
 * whole wire tuple in a TupleIndex (interned addresses, one open-addressing table of typed
 * arrays): every packet asks while any binding exists, and nested maps per source address,
 * spread over the heap and churned by every connection, cost more in cache misses than the
 * lookup itself. Bindings sharing a wire tuple stay in the order they were added.
 */
export class WireIndex {
  private readonly byWire = new TupleIndex<WireBinding[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Both directions of a NATed entry: the original after NAT, the reply after un-NAT. */
  addEntry(entry: ConntrackRecord): void {
    this.add({ entry, wire: invertTuple(entry.reply), tuple: entry.original });
    this.add({ entry, wire: invertTuple(entry.original), tuple: entry.reply });
  }

  removeEntry(entry: ConntrackRecord): void {
    for (const wire of [invertTuple(entry.reply), invertTuple(entry.original)]) {
      const list = this.byWire.getTuple(wire);
      if (!list) continue;
      const kept = list.filter((b) => b.entry !== entry);
      this.count -= list.length - kept.length;
      if (kept.length > 0) this.byWire.set(wire, kept);
      else this.byWire.delete(wire, list);
    }
  }

  find(packet: PacketAddresses): WireBinding | undefined {
    return this.byWire.get(
      packet.protocol,
      packet.src,
      packet.srcPort ?? 0,
      packet.dst,
      packet.dstPort ?? 0,
    )?.[0];
  }

  private add(binding: WireBinding): void {
    // A binding that changes nothing in this direction needs no mapping back.
    const w = binding.wire;
    const t = binding.tuple;
    if (w.src === t.src && w.srcPort === t.srcPort && w.dst === t.dst && w.dstPort === t.dstPort)
      return;
    const list = this.byWire.getTuple(w);
    if (list) list.push(binding);
    else this.byWire.set(w, [binding]);
    this.count += 1;
  }
}
