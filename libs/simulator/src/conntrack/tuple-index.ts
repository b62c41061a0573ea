import type { Tuple } from '../model/index.js';

/**
 * Tuple -> value, keyed level by level (source address, destination address, then protocol and
 * ports packed in one number) so a lookup builds no key string: the replay hot path looks up
 * every packet, and concatenating a string key costs more than the rest of the tracking.
 */
export class TupleIndex<V> {
  private readonly bySource = new Map<string, Map<string, Map<number, V>>>();

  get(protocol: number, src: string, srcPort: number, dst: string, dstPort: number): V | undefined {
    return this.bySource
      .get(src)
      ?.get(dst)
      ?.get(portKey(protocol, srcPort, dstPort));
  }

  getTuple(t: Tuple): V | undefined {
    return this.get(t.protocol, t.src, t.srcPort, t.dst, t.dstPort);
  }

  set(t: Tuple, value: V): void {
    let byDestination = this.bySource.get(t.src);
    if (byDestination === undefined) {
      byDestination = new Map();
      this.bySource.set(t.src, byDestination);
    }
    let byPorts = byDestination.get(t.dst);
    if (byPorts === undefined) {
      byPorts = new Map();
      byDestination.set(t.dst, byPorts);
    }
    byPorts.set(portKey(t.protocol, t.srcPort, t.dstPort), value);
  }

  /** Removes the tuple's value, only if it is `value` (another entry may own the tuple now). */
  delete(t: Tuple, value: V): void {
    const byDestination = this.bySource.get(t.src);
    const byPorts = byDestination?.get(t.dst);
    if (byDestination === undefined || byPorts === undefined) return;
    const key = portKey(t.protocol, t.srcPort, t.dstPort);
    if (byPorts.get(key) !== value) return;
    byPorts.delete(key);
    if (byPorts.size === 0) {
      byDestination.delete(t.dst);
      if (byDestination.size === 0) this.bySource.delete(t.src);
    }
  }
}

/** protocol (8 bits), source port and destination port (16 bits each): exact in a double. */
function portKey(protocol: number, srcPort: number, dstPort: number): number {
  return protocol * 4_294_967_296 + srcPort * 65_536 + dstPort;
}
