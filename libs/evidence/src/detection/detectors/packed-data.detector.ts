import type { KindDetection } from '../kind-detection.js';

/**
 * Compressed files and archives that end up nested inside bundles (a rotated `access.log.1.gz`,
 * a zip in a tarball). Their content is some kind, but not readable here: naming the format
 * tells the user, and the bundle reader, what to unpack instead of a bare "binary data".
 */

interface Signature {
  readonly offset: number;
  readonly bytes: readonly number[];
  readonly name: string;
  readonly advice: string;
}

const UNPACK = 'unpack it first';

const SIGNATURES: readonly Signature[] = [
  { offset: 0, bytes: [0x1f, 0x8b], name: 'gzip-compressed data', advice: UNPACK },
  { offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04], name: 'zip archive', advice: UNPACK },
  { offset: 0, bytes: [0x42, 0x5a, 0x68], name: 'bzip2-compressed data', advice: UNPACK },
  {
    offset: 0,
    bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    name: 'xz-compressed data',
    advice: UNPACK,
  },
  { offset: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd-compressed data', advice: UNPACK },
  { offset: 257, bytes: [0x75, 0x73, 0x74, 0x61, 0x72], name: 'tar archive', advice: UNPACK },
  // A tcpdump variant with longer record headers that most readers, ours included, reject.
  {
    offset: 0,
    bytes: [0xa1, 0xb2, 0xcd, 0x34],
    name: 'modified (Kuznetzov) pcap',
    advice: 'rewrite it with editcap -F pcap',
  },
  {
    offset: 0,
    bytes: [0x34, 0xcd, 0xb2, 0xa1],
    name: 'modified (Kuznetzov) pcap',
    advice: 'rewrite it with editcap -F pcap',
  },
];

export function detectPackedData(head: Uint8Array): KindDetection | undefined {
  for (const signature of SIGNATURES) {
    if (startsWithAt(head, signature)) {
      return {
        kind: 'unknown',
        confidence: 0.95,
        reason: `${signature.name}: ${signature.advice}`,
      };
    }
  }
  return undefined;
}

function startsWithAt(head: Uint8Array, signature: Signature): boolean {
  if (head.length < signature.offset + signature.bytes.length) return false;
  return signature.bytes.every((byte, index) => head[signature.offset + index] === byte);
}
