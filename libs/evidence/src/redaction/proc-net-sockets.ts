import type { Pseudonymiser } from './pseudonymiser.js';

/** The header of /proc/net/tcp, tcp6, udp, udp6 and raw. */
export const PROC_NET_HEADER = /^\s*sl\s+local_address\s+rem_address\s/;
const ENDPOINT = /\b([0-9A-F]{32}|[0-9A-F]{8}):([0-9A-F]{4})\b/g;

/**
 * A /proc/net/tcp row: addresses as the kernel's 32-bit words in host order (little-endian
 * on every architecture Kubernetes nodes run), `0100007F:1F90` for 127.0.0.1:8080, IPv6 as
 * four such words. Rewritten in the same notation.
 */
export function redactProcNetRow(line: string, p: Pseudonymiser): string {
  return line.replace(ENDPOINT, (_match, address: string, port: string) => {
    const bytes = new Uint8Array(address.length / 2);
    for (let word = 0; word < bytes.length; word += 4) {
      for (let k = 0; k < 4; k++) {
        const at = (word + 3 - k) * 2;
        bytes[word + k] = parseInt(address.slice(at, at + 2), 16);
      }
    }
    let mapped: Uint8Array;
    if (bytes.length === 4) {
      const value = p.mapV4(
        ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0,
      );
      mapped = new Uint8Array([
        value >>> 24,
        (value >>> 16) & 255,
        (value >>> 8) & 255,
        value & 255,
      ]);
    } else {
      mapped = p.mapV6(bytes);
    }
    let text = '';
    for (let word = 0; word < mapped.length; word += 4) {
      for (let k = 3; k >= 0; k--) text += mapped[word + k]!.toString(16).padStart(2, '0');
    }
    const mappedPort = p.mapPort(parseInt(port, 16));
    return `${text.toUpperCase()}:${mappedPort.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}
