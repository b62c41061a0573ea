import type { Packet } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { syntheticTcpPacket } from '../conntrack/synthetic-packet.js';
import { findDuplicates, mergeByTime } from './packet-order.js';

function packet(
  capture: string,
  number: number,
  timeUs: number,
  extra: Partial<Packet> = {},
): Packet {
  const base = syntheticTcpPacket({
    src: '10.0.0.1',
    dst: '10.96.0.1',
    srcPort: 1000,
    dstPort: 80,
    flags: 'S',
    seq: 7,
    number,
    timeUs,
  });
  return { ...base, locator: { artifact: capture, packet: number }, ipId: 42, ...extra };
}

describe('mergeByTime', () => {
  it('orders packets of several captures by time, ties by capture order then packet number', () => {
    const merged = mergeByTime([
      packet('a', 2, 20),
      packet('b', 1, 10),
      packet('a', 1, 10),
      packet('b', 2, 5),
    ]);
    expect(merged.map((p) => `${p.locator.artifact}#${p.locator.packet}`)).toEqual([
      'b#2',
      'a#1',
      'b#1',
      'a#2',
    ]);
  });
});

describe('findDuplicates', () => {
  it('finds the same packet after NAT on another interface within the window', () => {
    const before = packet('node.pcap', 1, 100, { interface: 'veth1' });
    const after = packet('node.pcap', 2, 130, {
      interface: 'eth0',
      dst: '10.244.2.7',
      dstPort: 8080,
    });
    expect(Array.from(findDuplicates([before, after], 1000))).toEqual([-1, 0]);
  });

  it('keeps a retransmission seen on the same interface, and a copy outside the window', () => {
    const first = packet('a.pcap', 1, 100);
    const again = packet('a.pcap', 2, 300);
    expect(Array.from(findDuplicates([first, again], 1000))).toEqual([-1, -1]);
    const other = packet('b.pcap', 1, 5000);
    expect(Array.from(findDuplicates([first, other], 1000))).toEqual([-1, -1]);
  });

  it('tells packets apart by sequence numbers and lengths, which NAT leaves alone', () => {
    const a = packet('a.pcap', 1, 100);
    const b = packet('b.pcap', 1, 110, {
      tcp: { ...(a.tcp as NonNullable<Packet['tcp']>), seq: 8 },
    });
    expect(Array.from(findDuplicates([a, b], 1000))).toEqual([-1, -1]);
  });
});
