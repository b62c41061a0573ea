import type { Packet, SocketSnapshot } from '@netmortem/domain';

export interface LocalAddressInference {
  readonly addresses: Set<string>;
  /** How each address was found, for the report (`ss`, `capture direction`, …). */
  readonly sources: string[];
}

/** `::ffff:10.0.0.2` as ss prints dual-stack sockets is the IPv4 address to conntrack. */
export function plainAddress(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '*', '']);

/**
 * The host's own addresses when the caller did not give them: the local side of its
 * sockets in `ss`, and the side a cooked capture says the host sent from or received on.
 * REDIRECT targets are added while replaying. The last resort is the one address present
 * in nearly every packet of a capture (a capture is usually taken on one of the host's own
 * interfaces); when two addresses tie (a capture of a single conversation) nothing is
 * guessed.
 */
export function inferLocalAddresses(
  packets: readonly Packet[],
  sockets: readonly SocketSnapshot[],
): LocalAddressInference {
  const addresses = new Set<string>();
  const sources: string[] = [];
  const add = (ip: string, source: string) => {
    const plain = plainAddress(ip);
    if (WILDCARDS.has(plain) || addresses.has(plain)) return;
    addresses.add(plain);
    sources.push(`${plain} (${source})`);
  };
  for (const socket of sockets) add(socket.local.ip, `ss ${socket.locator.artifact}`);

  const directed = new Map<string, number>();
  for (let i = 0; i < packets.length; i++) {
    const packet = packets[i] as Packet;
    if (packet.direction === 'out') directed.set(packet.src, (directed.get(packet.src) ?? 0) + 1);
    else if (packet.direction === 'in')
      directed.set(packet.dst, (directed.get(packet.dst) ?? 0) + 1);
  }
  for (const ip of directed.keys()) add(ip, 'capture direction (cooked capture)');

  if (addresses.size === 0) {
    for (const ip of dominantAddresses(packets)) add(ip, 'in nearly every packet of its capture');
  }
  return { addresses, sources };
}

/** Per capture, an address that is an endpoint of at least 90% of its IP packets. */
function dominantAddresses(packets: readonly Packet[]): string[] {
  const perCapture = new Map<string, { total: number; counts: Map<string, { n: number }> }>();
  // Consecutive packets nearly always come from the same capture: remember the last one.
  let lastArtifact: string | undefined;
  let capture: { total: number; counts: Map<string, { n: number }> } | undefined;
  // A conversation's packets swap the same two addresses: its two counters are kept at hand.
  const recent = new RecentCounters();
  for (let i = 0; i < packets.length; i++) {
    const packet = packets[i] as Packet;
    if (capture === undefined || packet.locator.artifact !== lastArtifact) {
      lastArtifact = packet.locator.artifact;
      capture = perCapture.get(lastArtifact);
      if (!capture) {
        capture = { total: 0, counts: new Map() };
        perCapture.set(lastArtifact, capture);
      }
      recent.forget();
    }
    capture.total += 1;
    recent.count(capture.counts, packet.src);
    if (packet.dst !== packet.src) recent.count(capture.counts, packet.dst);
  }
  const found: string[] = [];
  for (const { total, counts } of perCapture.values()) {
    if (total < 2) continue;
    const dominant = [...counts].filter(([, count]) => count.n >= total * 0.9);
    if (dominant.length === 1) found.push((dominant[0] as [string, { n: number }])[0]);
  }
  return found;
}

/** One map lookup per address: the counter is a box mutated in place. */
function count(counts: Map<string, { n: number }>, address: string): { n: number } {
  let box = counts.get(address);
  if (box) box.n += 1;
  else {
    box = { n: 1 };
    counts.set(address, box);
  }
  return box;
}

/** The last two addresses counted and their counters: most packets need no map lookup. */
class RecentCounters {
  private firstAddress: string | undefined = undefined;
  private firstBox: { n: number } | undefined = undefined;
  private secondAddress: string | undefined = undefined;
  private secondBox: { n: number } | undefined = undefined;

  /** Another capture: its counters are other boxes. */
  forget(): void {
    this.firstAddress = this.secondAddress = undefined;
    this.firstBox = this.secondBox = undefined;
  }

  count(counts: Map<string, { n: number }>, address: string): void {
    if (address === this.firstAddress && this.firstBox) {
      this.firstBox.n += 1;
      return;
    }
    if (address === this.secondAddress && this.secondBox) {
      this.secondBox.n += 1;
      return;
    }
    this.secondAddress = this.firstAddress;
    this.secondBox = this.firstBox;
    this.firstAddress = address;
    this.firstBox = count(counts, address);
  }
}
