import type { Packet } from '@netmortem/domain';
import { bytesSource, capturePackets, IssueCollector } from '@netmortem/evidence';
import { describe, expect, it } from 'vitest';
import { generateSuite } from '../sequences/generate-suite.js';
import { scheduleBatch } from './batch-schedule.js';
import { writePcap } from './pcap.writer.js';
import { checksum, encodeTcpFrame } from './tcp-frame.encoder.js';
import { toDomainPacket, type WireSegment } from './wire-segment.js';

const MACS = { srcMac: '02:77:00:00:01:02', dstMac: '02:77:00:00:01:01' };
const EPOCH = 1_700_000_000_000_000;

async function readBack(bytes: Uint8Array): Promise<Packet[]> {
  const packets: Packet[] = [];
  const issues = new IssueCollector('written.pcap');
  for await (const packet of capturePackets(bytesSource(bytes, 777), 'written.pcap', issues))
    packets.push(packet);
  expect(issues.count).toBe(0);
  return packets;
}

/** Sums the pseudo-header and the segment with its checksum in place: 0 when it is right. */
function verifyTcp(frame: Uint8Array): number {
  const v4 = frame[12] === 0x08;
  const ip = 14;
  const tcp = ip + (v4 ? 20 : 40);
  const length = frame.length - tcp;
  const pseudo = new Uint8Array((v4 ? 12 : 40) + length);
  if (v4) {
    pseudo.set(frame.subarray(ip + 12, ip + 20), 0);
    pseudo[9] = 6;
    pseudo[10] = length >> 8;
    pseudo[11] = length & 0xff;
    pseudo.set(frame.subarray(tcp), 12);
  } else {
    pseudo.set(frame.subarray(ip + 8, ip + 40), 0);
    pseudo[34] = length >> 8;
    pseudo[35] = length & 0xff;
    pseudo[39] = 6;
    pseudo.set(frame.subarray(tcp), 40);
  }
  return checksum(pseudo, 0);
}

describe('encodeTcpFrame + writePcap', () => {
  const suite = generateSuite();
  // A slice with every family, both IP versions, all the options and flags the suite uses.
  const sample = suite.filter((_, i) => i % 3 === 0);
  const batch = scheduleBatch(sample);

  it("writes what netmortem's own capture reader reads back field for field", async () => {
    const bytes = writePcap(
      batch.segments.map((s) => ({ timeUs: EPOCH + s.timeUs, frame: encodeTcpFrame(s, MACS) })),
    );
    const read = await readBack(bytes);
    expect(read).toHaveLength(batch.segments.length);
    read.forEach((packet, i) => {
      const wire = batch.segments[i] as WireSegment;
      const expected = toDomainPacket(wire, 'written.pcap', i + 1, EPOCH);
      expect(packet.ipVersion).toBe(expected.ipVersion);
      expect(packet.src).toBe(expected.src);
      expect(packet.dst).toBe(expected.dst);
      expect(packet.srcPort).toBe(expected.srcPort);
      expect(packet.dstPort).toBe(expected.dstPort);
      expect(packet.timeUs).toBe(expected.timeUs);
      expect(packet.payloadLength).toBe(expected.payloadLength);
      expect(packet.tcp?.flags).toBe(expected.tcp?.flags);
      expect(packet.tcp?.seq).toBe(expected.tcp?.seq);
      expect(packet.tcp?.ack).toBe(expected.tcp?.ack);
      expect(packet.tcp?.window).toBe(expected.tcp?.window);
      expect(packet.tcp?.headerLength).toBe(expected.tcp?.headerLength);
      expect(packet.tcp?.options).toEqual(expected.tcp?.options);
      if (wire.ipVersion === 4) expect(packet.ipId).toBe(wire.packetId);
    });
    expect(new Set(read.map((p) => p.ipVersion))).toEqual(new Set([4, 6]));
  });

  it('gives every frame valid IPv4 header and TCP checksums', () => {
    for (const segment of batch.segments) {
      const frame = encodeTcpFrame(segment, MACS);
      expect(verifyTcp(frame)).toBe(0);
      if (segment.ipVersion === 4) expect(checksum(frame.subarray(14, 34), 0)).toBe(0);
    }
  });

  it('carries the packet id in the IPv6 flow label', () => {
    const v6 = batch.segments.find((s) => s.ipVersion === 6);
    expect(v6).toBeDefined();
    const frame = encodeTcpFrame(v6 as WireSegment, MACS);
    const label =
      (((frame[15] as number) & 0x0f) << 16) | ((frame[16] as number) << 8) | (frame[17] as number);
    expect(label).toBe(v6?.packetId);
  });

  it('refuses packet ids the header cannot carry', () => {
    const v4 = batch.segments.find((s) => s.ipVersion === 4) as WireSegment;
    expect(() => encodeTcpFrame({ ...v4, packetId: 0x10000 }, MACS)).toThrow(RangeError);
  });
});
