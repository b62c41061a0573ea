import type { Tuple } from '../model/index.js';

type BySource<V> = Map<string, Map<string, Map<number, V>>>;

/**
 * Tuple -> value, keyed level by level (protocol, source address, destination address, then
 * both ports packed in one 32-bit integer) so a lookup builds no key string: the replay hot
 * path looks up every packet, and concatenating a string key costs more than the rest of the
 * tracking. The port key stays a small integer (a V8 Smi on 64-bit builds without pointer
 * compression, Node's default): a key above 2^31 would be a boxed double, hashed and compared
 * several times slower.
 */
export class TupleIndex<V> {
  /** By IP protocol number (0-255). */
  private readonly byProtocol: (BySource<V> | undefined)[] = [];

  get(protocol: number, src: string, srcPort: number, dst: string, dstPort: number): V | undefined {
    return this.byProtocol[protocol]?.get(src)?.get(dst)?.get(portKey(srcPort, dstPort));
  }

  getTuple(t: Tuple): V | undefined {
    return this.get(t.protocol, t.src, t.srcPort, t.dst, t.dstPort);
  }

  set(t: Tuple, value: V): void {
    let bySource = this.byProtocol[t.protocol];
    if (bySource === undefined) {
      bySource = new Map();
      this.byProtocol[t.protocol] = bySource;
    }
    let byDestination = bySource.get(t.src);
    if (byDestination === undefined) {
      byDestination = new Map();
      bySource.set(t.src, byDestination);
    }
    let byPorts = byDestination.get(t.dst);
    if (byPorts === undefined) {
      byPorts = new Map();
      byDestination.set(t.dst, byPorts);
    }
    byPorts.set(portKey(t.srcPort, t.dstPort), value);
  }

  /** Removes the tuple's value, only if it is `value` (another entry may own the tuple now). */
  delete(t: Tuple, value: V): void {
    const bySource = this.byProtocol[t.protocol];
    const byDestination = bySource?.get(t.src);
    const byPorts = byDestination?.get(t.dst);
    if (bySource === undefined || byDestination === undefined || byPorts === undefined) return;
    const key = portKey(t.srcPort, t.dstPort);
    if (byPorts.get(key) !== value) return;
    byPorts.delete(key);
    if (byPorts.size === 0) {
      byDestination.delete(t.dst);
      if (byDestination.size === 0) bySource.delete(t.src);
    }
  }
}

/** Source and destination port (16 bits each) in one signed 32-bit integer, one to one. */
function portKey(srcPort: number, dstPort: number): number {
  return ((srcPort & 0xffff) << 16) | (dstPort & 0xffff);
}
