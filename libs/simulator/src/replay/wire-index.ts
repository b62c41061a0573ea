import type { ConntrackRecord } from '../conntrack/index.js';
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
 * through the captured interface) can be mapped back to the tuple conntrack knows. Indexed by
 * source address, then both ports as one number: a lookup builds no string key, which matters
 * because every packet asks while any binding exists.
 */
export class WireIndex {
  private readonly bySource = new Map<string, Map<number, WireBinding[]>>();
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
      const ports = this.bySource.get(wire.src);
      const list = ports?.get(portsKey(wire.srcPort, wire.dstPort));
      if (!ports || !list) continue;
      const kept = list.filter((b) => b.entry !== entry);
      this.count -= list.length - kept.length;
      if (kept.length > 0) ports.set(portsKey(wire.srcPort, wire.dstPort), kept);
      else {
        ports.delete(portsKey(wire.srcPort, wire.dstPort));
        if (ports.size === 0) this.bySource.delete(wire.src);
      }
    }
  }

  find(packet: PacketAddresses): WireBinding | undefined {
    const list = this.bySource
      .get(packet.src)
      ?.get(portsKey(packet.srcPort ?? 0, packet.dstPort ?? 0));
    if (!list) return undefined;
    for (const binding of list) {
      const w = binding.wire;
      if (w.protocol === packet.protocol && w.dst === packet.dst) return binding;
    }
    return undefined;
  }

  private add(binding: WireBinding): void {
    // A binding that changes nothing in this direction needs no mapping back.
    const w = binding.wire;
    const t = binding.tuple;
    if (w.src === t.src && w.srcPort === t.srcPort && w.dst === t.dst && w.dstPort === t.dstPort)
      return;
    let ports = this.bySource.get(w.src);
    if (!ports) {
      ports = new Map();
      this.bySource.set(w.src, ports);
    }
    const key = portsKey(w.srcPort, w.dstPort);
    const list = ports.get(key);
    if (list) list.push(binding);
    else ports.set(key, [binding]);
    this.count += 1;
  }
}

/** Both ports in one signed 32-bit integer (a small integer to V8, cheaper to hash than a double). */
function portsKey(srcPort: number, dstPort: number): number {
  return ((srcPort & 0xffff) << 16) | (dstPort & 0xffff);
}
