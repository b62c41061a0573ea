import type { Packet } from '@netmortem/domain';

/**
 * The packets of every capture in one time line. Ties keep each capture's own order, and
 * captures keep the order they were given in, so the merge is deterministic.
 */
export function mergeByTime(packets: readonly Packet[]): Packet[] {
  const captureRank = new Map<string, number>();
  // Consecutive packets nearly always share their capture: ask the map only on a change.
  let last: string | undefined;
  for (let i = 0; i < packets.length; i++) {
    const artifact = (packets[i] as Packet).locator.artifact;
    if (artifact === last) continue;
    last = artifact;
    if (!captureRank.has(artifact)) captureRank.set(artifact, captureRank.size);
  }
  let sorted = true;
  for (let i = 1; i < packets.length; i++) {
    if (compare(packets[i - 1] as Packet, packets[i] as Packet, captureRank) > 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return packets.slice();
  return packets.slice().sort((a, b) => compare(a, b, captureRank));
}

function compare(a: Packet, b: Packet, rank: Map<string, number>): number {
  if (a.timeUs !== b.timeUs) return a.timeUs - b.timeUs;
  if (a.timeSubUsNs !== b.timeSubUsNs) return a.timeSubUsNs - b.timeSubUsNs;
  const ra = rank.get(a.locator.artifact) ?? 0;
  const rb = rank.get(b.locator.artifact) ?? 0;
  if (ra !== rb) return ra - rb;
  return (a.locator.packet ?? 0) - (b.locator.packet ?? 0);
}

/** Where a packet was observed: a capture and, for multi-interface captures, an interface. */
function observationPoint(packet: Packet): string {
  return packet.interface === undefined
    ? packet.locator.artifact
    : `${packet.locator.artifact}\u0000${packet.interface}`;
}

/**
 * Finds packets seen twice: on two interfaces of one host (before and after NAT, or in and
 * out of a bridge) or in two captures. NAT rewrites addresses and ports but not the IP id,
 * the TCP sequence numbers, flags or lengths, so those identify the packet; the second
 * sighting must come from another observation point within `windowUs`.
 *
 * Returns, per position in `ordered`, the position of the first sighting (or -1).
 */
export function findDuplicates(ordered: readonly Packet[], windowUs: number): Int32Array {
  const firstSeen = new Int32Array(ordered.length).fill(-1);
  const first = ordered[0] === undefined ? undefined : observationPoint(ordered[0]);
  let several = false;
  for (let i = 1; i < ordered.length && !several; i++)
    several = observationPoint(ordered[i] as Packet) !== first;
  if (!several) return firstSeen;

  const recent = new Map<string, number>();
  let oldest = 0;
  const keys: (string | undefined)[] = new Array<string | undefined>(ordered.length);
  for (let i = 0; i < ordered.length; i++) {
    const packet = ordered[i] as Packet;
    // Forget what fell out of the window, so the map stays small on long captures.
    while (oldest < i && packet.timeUs - (ordered[oldest] as Packet).timeUs > windowUs) {
      const old = keys[oldest];
      if (old !== undefined && recent.get(old) === oldest) recent.delete(old);
      oldest++;
    }
    const key = identity(packet);
    if (key === undefined) continue;
    keys[i] = key;
    const earlier = recent.get(key);
    if (
      earlier !== undefined &&
      observationPoint(ordered[earlier] as Packet) !== observationPoint(packet)
    ) {
      firstSeen[i] = earlier;
      continue;
    }
    recent.set(key, i);
  }
  return firstSeen;
}

/** What survives NAT unchanged; undefined when too little is known to tell packets apart. */
function identity(packet: Packet): string | undefined {
  const tcp = packet.tcp;
  if (tcp !== undefined) {
    return `${packet.protocol}|${packet.ipId ?? ''}|${tcp.flags}|${tcp.seq}|${tcp.ack}|${packet.payloadLength}`;
  }
  if (packet.ipId === undefined || packet.ipId === 0) return undefined;
  return `${packet.protocol}|${packet.ipId}|${packet.payloadLength}|${packet.icmp?.type ?? ''}`;
}
