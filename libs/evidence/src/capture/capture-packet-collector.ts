import type { Packet, ParseIssue } from '@netmortem/domain';
import { IssueCollector } from '../text/issue-collector.js';
import { CaptureDecoder } from './capture.decoder.js';
import { toPacket } from './to-packet.js';

/** A capture to read: its artifact path (the packets' locator) and a way to open its bytes. */
export interface CaptureSource {
  readonly path: string;
  open(): AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;
}

export interface CapturePacketOptions {
  /** Packets kept across all captures; IP packets beyond it are counted, not kept. */
  readonly maxPackets?: number;
}

/** What one capture gave. */
export interface CapturePacketCount {
  readonly path: string;
  /** IP packets kept. */
  readonly packets: number;
  /** IP packets read but not kept because the cap was reached. */
  readonly overCap: number;
  /** False when the capture was truncated or corrupt and reading stopped early. */
  readonly complete: boolean;
}

export interface CollectedCapturePackets {
  /** Every kept packet, capture by capture in file order (not merged by time). */
  readonly packets: Packet[];
  readonly captures: readonly CapturePacketCount[];
  /** IP packets beyond the cap, over all captures. */
  readonly overCap: number;
  readonly maxPackets: number;
  /** Damage found while reading, each with the capture's path and the packet number. */
  readonly issues: readonly ParseIssue[];
}

/**
 * Two million domain packets cost roughly 1–2 GB of heap; beyond that a replay needs
 * a larger worker, so the cap is a deliberate, reported limit rather than an accident.
 */
export const DEFAULT_MAX_CAPTURE_PACKETS = 2_000_000;

/**
 * Reads the IP packets of pcap/pcapng captures as domain Packets, for whoever replays them
 * (the simulator keeps packets, which the evidence set does not). Bad input never throws:
 * a damaged capture keeps what was read before the damage and adds an issue with its
 * locator. Packets past the cap are still decoded (cheaply, without allocation) so the
 * report can say how many were left out.
 */
export async function collectCapturePackets(
  sources: readonly CaptureSource[],
  options: CapturePacketOptions = {},
): Promise<CollectedCapturePackets> {
  const maxPackets = options.maxPackets ?? DEFAULT_MAX_CAPTURE_PACKETS;
  if (!Number.isInteger(maxPackets) || maxPackets < 0)
    throw new RangeError(`maxPackets must be a non-negative integer, got ${maxPackets}`);
  const packets: Packet[] = [];
  const captures: CapturePacketCount[] = [];
  const issues: ParseIssue[] = [];
  let overCap = 0;
  for (const source of sources) {
    const collector = new IssueCollector(source.path);
    let kept = 0;
    let skipped = 0;
    const decoder: CaptureDecoder = new CaptureDecoder(
      source.path,
      (view) => {
        if (view.ipVersion !== 4 && view.ipVersion !== 6) return;
        if (packets.length >= maxPackets) {
          skipped += 1;
          return;
        }
        const packet = toPacket(view, source.path, decoder.interfaceName(view.interfaceId));
        if (packet !== undefined) {
          packets.push(packet);
          kept += 1;
        }
      },
      collector,
    );
    let complete: boolean;
    try {
      for await (const chunk of await source.open()) {
        if (!decoder.push(chunk)) break;
      }
      complete = decoder.finish().complete;
    } catch (error) {
      // The bytes could not be read (a missing object, a broken stream): the capture
      // counts as damaged, not the whole collection.
      collector.add(
        { artifact: source.path },
        'CAPTURE_UNREADABLE',
        `could not read the capture: ${error instanceof Error ? error.message : String(error)}`,
      );
      complete = false;
    }
    overCap += skipped;
    captures.push({ path: source.path, packets: kept, overCap: skipped, complete });
    issues.push(...collector.list());
  }
  if (overCap > 0) {
    issues.push({
      locator: { artifact: captures.find((c) => c.overCap > 0)?.path ?? '' },
      code: 'PACKET_CAP',
      message: `${overCap} packet(s) beyond the cap of ${maxPackets} were not kept`,
    });
  }
  return { packets, captures, overCap, maxPackets, issues };
}
