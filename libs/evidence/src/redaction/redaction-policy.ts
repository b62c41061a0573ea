import { KEPT_PORTS, PORT_BANDS } from './port-pseudonymiser.js';
import { IPV4_BLOCKS, IPV6_BLOCKS, type AddressBlock } from './special-addresses.js';

/** What a redacted bundle's note says was done, in words and lists (no values, no key). */
export interface RedactionPolicy {
  readonly addresses: string;
  readonly addressBlocks: readonly { block: string; treatment: string }[];
  readonly ports: string;
  readonly keptPorts: readonly number[];
  readonly portBands: readonly (readonly [number, number])[];
  readonly macs: string;
  readonly names: string;
  readonly captures: string;
  readonly text: string;
}

export function redactionPolicy(): RedactionPolicy {
  return {
    addresses:
      'IPv4 and IPv6 addresses are pseudonymised with a keyed prefix-preserving permutation (Crypto-PAn construction): addresses sharing an n-bit prefix share an n-bit prefix after redaction, the mapping is one-to-one, and the same address has the same pseudonym in every artifact',
    addressBlocks: [...IPV4_BLOCKS, ...IPV6_BLOCKS].map((block) => ({
      block: describe(block),
      treatment: block.treatment,
    })),
    ports:
      'ports below 1024 and the listed well-known ports are kept; the others are permuted with a key within their band, so an ephemeral port stays ephemeral; port ranges are kept',
    keptPorts: [...KEPT_PORTS].sort((a, b) => a - b),
    portBands: PORT_BANDS,
    macs: 'MAC addresses keep their vendor prefix (or, when locally administered, their flag bits); the rest is replaced',
    names:
      'host, node, pod, namespace, service, cluster and application names found in the bundle or given with --name are replaced by keyed pseudonyms (host-1a2b3c), in file contents and paths',
    captures:
      'packets keep their timing, lengths, flags, sequence and acknowledgement numbers, windows and options; payloads are cut after the transport header (ICMP errors keep the headers they quote); IPv4 header checksums are recomputed and TCP/UDP/ICMP checksums updated for the rewritten fields; pcapng comments, host/OS/hardware descriptions, name-resolution and decryption-secret blocks are removed',
    text: 'every other byte of text artifacts is kept as it was; strace read/write buffers are emptied and secret sysctl values (TCP Fast Open key, boot id) zeroed',
  };
}

function describe(block: AddressBlock): string {
  const b = block.network;
  if (b.length === 4) return `${Array.from(b).join('.')}/${block.bits}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return `${groups.join(':').replace(/(^|:)0(?::0)+(:|$)/, '::')}/${block.bits}`;
}
