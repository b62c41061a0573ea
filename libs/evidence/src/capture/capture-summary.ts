import type { PacketView } from './packet-view.js';

export type CaptureFormat = 'pcap' | 'pcapng' | 'unknown';

export interface CaptureInterfaceStatistics {
  /** isb_ifrecv, isb_ifdrop, isb_osdrop from the last Interface Statistics Block. */
  readonly received?: number;
  readonly droppedByInterface?: number;
  readonly droppedByOs?: number;
}

export interface CaptureInterface {
  /** pcapng interface id within its section (0 for classic pcap). */
  readonly id: number;
  readonly section: number;
  readonly name?: string;
  readonly linkType: number;
  readonly linkTypeName: string;
  readonly snaplen: number;
  /** Timestamp resolution: `us`, `ns`, `1e-4 s`, `2^-20 s`. */
  readonly timeResolution: string;
  readonly statistics?: CaptureInterfaceStatistics;
}

export interface CaptureSummary {
  readonly format: CaptureFormat;
  /** Byte order of the (first section of the) file. */
  readonly byteOrder?: 'little-endian' | 'big-endian';
  readonly interfaces: readonly CaptureInterface[];
  /** Distinct link type names in order of appearance, e.g. `EN10MB`, `LINUX_SLL2`. */
  readonly linkTypes: readonly string[];
  /** Packets delivered to the callback. */
  readonly packets: number;
  readonly firstUs?: number;
  readonly lastUs?: number;
  /** Bytes of the file read, and bytes of packet data captured. */
  readonly bytes: number;
  readonly capturedBytes: number;
  /** False when the capture was truncated or corrupt and reading stopped early. */
  readonly complete: boolean;
  /** Name Resolution Block entries (bounded). */
  readonly names: readonly { readonly ip: string; readonly names: readonly string[] }[];
}

export interface ReadCaptureOptions {
  /** Called after each chunk with the bytes read so far (for progress bars). */
  readonly onProgress?: (bytesRead: number) => void;
  /** Stop after this many packets (the rest is not read). */
  readonly maxPackets?: number;
}

/** Receives every packet; the view is reused and valid only during the call. */
export type PacketCallback = (view: PacketView) => void;

/** Hard limits that keep one bad length field from costing unbounded memory. */
export const CAPTURE_LIMITS = {
  maxBlockBytes: 16 * 1024 * 1024,
  maxRecordBytes: 256 * 1024,
  maxInterfaces: 4096,
  maxNames: 1024,
} as const;
