import { TcpFlag, type Packet } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { segmentEnd, segmentFromPacket, segmentLength } from './tcp-segment.js';

const packet = (extra: Partial<Packet> = {}): Packet => ({
  locator: { artifact: 'c.pcap', packet: 3 },
  timeUs: 1,
  timeSubUsNs: 0,
  ipVersion: 4,
  src: '10.0.0.1',
  dst: '10.0.0.2',
  ttl: 64,
  protocol: 6,
  srcPort: 40000,
  dstPort: 80,
  tcp: {
    flags: TcpFlag.SYN | TcpFlag.FIN,
    seq: 0xffff_fffe,
    ack: 0,
    window: 512,
    headerLength: 32,
    options: { windowScale: 7, timestamp: { value: 10, echo: 0 } },
  },
  payloadLength: 3,
  capturedLength: 0,
  originalLength: 0,
  ...extra,
});

describe('segmentFromPacket', () => {
  it('carries what the endpoint model reads, options included', () => {
    expect(segmentFromPacket(packet())).toEqual({
      family: 4,
      protocol: 6,
      src: '10.0.0.1',
      dst: '10.0.0.2',
      srcPort: 40000,
      dstPort: 80,
      tcpFlags: TcpFlag.SYN | TcpFlag.FIN,
      seq: 0xffff_fffe,
      ack: 0,
      payloadLength: 3,
      window: 512,
      timestamp: { value: 10, echo: 0 },
      windowScale: 7,
    });
  });

  it('returns nothing for packets without a TCP header', () => {
    const { tcp: _tcp, ...udp } = packet({ protocol: 17 });
    expect(segmentFromPacket(udp)).toBeUndefined();
  });

  it('counts SYN and FIN in the sequence space, across the wrap', () => {
    const segment = segmentFromPacket(packet())!;
    expect(segmentLength(segment)).toBe(5);
    expect(segmentEnd(segment)).toBe(3);
  });
});
