import type { KindDetection } from '../kind-detection.js';

/**
 * Packet captures, recognised by their magic numbers alone: no text can start with them, so
 * the file name never matters. libpcap writes its header in the capturing host's byte order,
 * which is why both orders of each magic occur in the wild.
 */

const PCAP_MAGICS: ReadonlyMap<number, string> = new Map([
  [0xa1b2c3d4, 'microsecond, big-endian'],
  [0xd4c3b2a1, 'microsecond, little-endian'],
  [0xa1b23c4d, 'nanosecond, big-endian'],
  [0x4d3cb2a1, 'nanosecond, little-endian'],
]);
const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const PCAPNG_BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;
const PCAP_HEADER_BYTES = 24;

export function detectCapture(head: Uint8Array): KindDetection | undefined {
  if (head.length < 4) return undefined;
  const magic = readUint32BigEndian(head, 0);
  const pcapVariant = PCAP_MAGICS.get(magic);
  if (pcapVariant !== undefined) return pcapDetection(head, pcapVariant);
  if (magic === PCAPNG_SECTION_HEADER) return pcapngDetection(head);
  return undefined;
}

function pcapDetection(head: Uint8Array, variant: string): KindDetection {
  if (head.length < PCAP_HEADER_BYTES) {
    return { kind: 'pcap', confidence: 0.9, reason: `pcap magic (${variant}), header cut short` };
  }
  const littleEndian = head[0] === 0xd4 || head[0] === 0x4d;
  const major = readUint16(head, 4, littleEndian);
  const minor = readUint16(head, 6, littleEndian);
  if (major !== 2) {
    return {
      kind: 'pcap',
      confidence: 0.9,
      reason: `pcap magic (${variant}), unusual version ${major}.${minor}`,
    };
  }
  return {
    kind: 'pcap',
    confidence: 0.99,
    reason: `pcap magic (${variant}), version ${major}.${minor}`,
  };
}

// The section header block type reads the same in both byte orders (it is "\n\r\r\n", chosen to
// expose newline mangling); the byte-order magic at offset 8 is what makes it pcapng and not text.
function pcapngDetection(head: Uint8Array): KindDetection | undefined {
  if (head.length < 12) return undefined;
  const byteOrder = readUint32BigEndian(head, 8);
  if (byteOrder === PCAPNG_BYTE_ORDER_MAGIC) {
    return {
      kind: 'pcapng',
      confidence: 0.99,
      reason: 'pcapng section header block magic (big-endian)',
    };
  }
  if (byteOrder === PCAPNG_BYTE_ORDER_MAGIC_SWAPPED) {
    return {
      kind: 'pcapng',
      confidence: 0.99,
      reason: 'pcapng section header block magic (little-endian)',
    };
  }
  return undefined;
}

function readUint32BigEndian(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0
  );
}

function readUint16(bytes: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian ? bytes[at]! | (bytes[at + 1]! << 8) : (bytes[at]! << 8) | bytes[at + 1]!;
}
