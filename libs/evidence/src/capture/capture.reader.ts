import type { Packet } from '@netmortem/domain';
import type { IssueCollector } from '../text/issue-collector.js';
import { CaptureDecoder } from './capture.decoder.js';
import type { CaptureSummary, PacketCallback, ReadCaptureOptions } from './capture-summary.js';
import { toPacket } from './to-packet.js';

/**
 * Reads a pcap or pcapng capture from a byte stream, calling `onPacket` synchronously for
 * every packet with one reused view (no allocation per packet; copy what you keep, or use
 * `toPacket`). Bad input never throws: a truncated or corrupt capture delivers every packet
 * read before the damage and records one issue with the packet number and byte offset.
 * Exceptions thrown by `onPacket` itself propagate.
 *
 * The source's chunks are not retained after the next one is requested, so a source may
 * reuse its buffer (see the bench's file reader).
 */
export async function readCapture(
  source: AsyncIterable<Uint8Array>,
  artifact: string,
  onPacket: PacketCallback,
  issues: IssueCollector,
  options: ReadCaptureOptions = {},
): Promise<CaptureSummary> {
  const decoder = new CaptureDecoder(artifact, onPacket, issues, options.maxPackets);
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    const more = decoder.push(chunk);
    options.onProgress?.(bytes);
    if (!more) break;
  }
  return decoder.finish();
}

/**
 * The convenience form for tests and small captures: domain packets through an async
 * generator (non-IP packets are skipped). Allocates per packet; prefer `readCapture`
 * for anything large. Returns the summary when done.
 */
export async function* capturePackets(
  source: AsyncIterable<Uint8Array>,
  artifact: string,
  issues: IssueCollector,
  options: ReadCaptureOptions = {},
): AsyncGenerator<Packet, CaptureSummary, undefined> {
  let batch: Packet[] = [];
  const decoder: CaptureDecoder = new CaptureDecoder(
    artifact,
    (view) => {
      const packet = toPacket(view, artifact, decoder.interfaceName(view.interfaceId));
      if (packet !== undefined) batch.push(packet);
    },
    issues,
    options.maxPackets,
  );
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    const more = decoder.push(chunk);
    options.onProgress?.(bytes);
    const ready = batch;
    batch = [];
    yield* ready;
    if (!more) break;
  }
  return decoder.finish();
}

/** A source over bytes already in memory, cut into chunks (tests, small artifacts). */
export async function* bytesSource(
  bytes: Uint8Array,
  chunkSize = 64 * 1024,
): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunkSize) {
    yield await Promise.resolve(bytes.subarray(at, Math.min(bytes.length, at + chunkSize)));
  }
}
