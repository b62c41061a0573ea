import { createCipheriv } from 'node:crypto';
import { deriveKey } from './redaction-keys.js';

/**
 * Ports above 1023 that are left as they are: they name a protocol or a piece of mesh and
 * cluster plumbing, not a customer, and the analysis (and whoever reads the bundle) needs
 * to recognise them: Envoy's inbound/outbound capture ports, the kubelet, etcd, the usual
 * databases and HTTP alternates. Everything below 1024 is kept too.
 */
export const KEPT_PORTS: ReadonlySet<number> = new Set([
  // Istio / Envoy: admin, outbound and inbound capture, HBONE, agent, health, DNS, telemetry.
  15000, 15001, 15004, 15006, 15008, 15009, 15010, 15012, 15014, 15017, 15020, 15021, 15053,
  15090,
  // Kubernetes control plane and nodes.
  2379, 2380, 6443, 10248, 10249, 10250, 10255, 10256, 10257, 10259,
  // Overlay and CNI plumbing: VXLAN, Geneve, flannel, Calico, Cilium health, WireGuard.
  4789, 6081, 8472, 9099, 4240, 51820,
  // Well-known service ports.
  1433, 1521, 2181, 3306, 5432, 5353, 5672, 6379, 8080, 8443, 9090, 9092, 9093, 9100, 9200,
  9300, 11211, 27017, 4317, 4318, 9411,
]); // prettier-ignore

/**
 * Ports are permuted within bands, never across them, so a port that sat in Linux's default
 * ephemeral range (net.ipv4.ip_local_port_range 32768-60999) still does, and one that looked
 * like a server port still looks like one: rules about "an ephemeral source port" read the
 * same after redaction.
 */
export const PORT_BANDS: readonly (readonly [number, number])[] = [
  [1024, 32767],
  [32768, 60999],
  [61000, 65535],
];

/**
 * A keyed bijection on ports: below 1024 and KEPT_PORTS map to themselves, the rest go
 * through a keyed shuffle of their band (Fisher-Yates driven by AES-256-CTR under an
 * HMAC-SHA256 subkey). The table is 128 KiB, built once.
 */
export class PortPseudonymiser {
  private readonly table = new Uint16Array(65536);
  private readonly used = new Set<number>();

  constructor(secret: Uint8Array) {
    for (let port = 0; port < 65536; port++) this.table[port] = port;
    const stream = createCipheriv(
      'aes-256-ctr',
      deriveKey(secret, 'ports'),
      Buffer.alloc(16),
    ).update(Buffer.alloc(4 * 65536));
    let draw = 0;
    for (const [low, high] of PORT_BANDS) {
      const ports: number[] = [];
      for (let port = low; port <= high; port++) if (!KEPT_PORTS.has(port)) ports.push(port);
      const shuffled = ports.slice();
      for (let i = shuffled.length - 1; i > 0; i--) {
        // The modulo bias of a 32-bit draw over at most 32 K values is below 1e-5.
        const j = stream.readUInt32BE(4 * draw++) % (i + 1);
        const swap = shuffled[i]!;
        shuffled[i] = shuffled[j]!;
        shuffled[j] = swap;
      }
      ports.forEach((port, i) => (this.table[port] = shuffled[i]!));
    }
  }

  map(port: number): number {
    const mapped = this.table[port & 0xffff]!;
    if (mapped !== port) this.used.add(port);
    return mapped;
  }

  /** Whether `map` leaves this port as it is whatever the key. */
  static isKept(port: number): boolean {
    return port < 1024 || KEPT_PORTS.has(port);
  }

  /** Distinct ports changed so far. */
  get distinct(): number {
    return this.used.size;
  }

  *mappings(): Generator<[number, number]> {
    for (const port of [...this.used].sort((a, b) => a - b)) yield [port, this.table[port]!];
  }
}
