import type { Packet } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { syntheticTcpPacket, type SyntheticTcpSegment } from '../conntrack/synthetic-packet.js';
import { synthesiseKeepalives } from './keepalive-probes.js';

const c = { src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 80 };
const s = { src: '10.0.0.2', dst: '10.0.0.1', srcPort: 80, dstPort: 40000 };
const at = (
  n: number,
  sec: number,
  seg: Omit<SyntheticTcpSegment, 'number' | 'timeUs'>,
): Packet => ({
  ...syntheticTcpPacket({ ...seg, number: n, timeUs: sec * 1e6 }),
  locator: { artifact: 'a.pcap', packet: n },
});

describe('synthesiseKeepalives', () => {
  const handshake = [
    at(1, 0, { ...c, flags: 'S', seq: 100 }),
    at(2, 0, { ...s, flags: 'S.', seq: 500, ack: 101 }),
    at(3, 0, { ...c, flags: 'P.', seq: 101, ack: 501, payload: 10 }),
  ];

  it('sends a probe one byte behind the next sequence number every N idle seconds, each answered', () => {
    const packets = [...handshake, at(4, 200, { ...c, flags: '.', seq: 111, ack: 501 })];
    const probes = synthesiseKeepalives(packets, [{ side: 'client', everySec: 60 }]);
    const sent = probes.filter((p) => p.src === '10.0.0.1');
    expect(sent.map((p) => p.timeUs / 1e6)).toEqual([60, 120, 180]);
    expect(
      sent.every((p) => p.tcp?.seq === 110 && p.tcp.ack === 501 && p.payloadLength === 0),
    ).toBe(true);
    const answers = probes.filter((p) => p.src === '10.0.0.2');
    expect(answers).toHaveLength(3);
    expect(answers[0]?.tcp).toMatchObject({ seq: 501, ack: 111 });
    expect(probes[0]?.locator.artifact).toBe('a.pcap (what-if keepalive)');
  });

  it('stops at a FIN and runs to the end of the captures for an open flow', () => {
    const closed = [
      ...handshake,
      at(4, 1, { ...c, flags: 'F.', seq: 111, ack: 501 }),
      at(5, 300, { src: '10.0.0.9', dst: '10.0.0.2', srcPort: 1, dstPort: 2, flags: 'S', seq: 1 }),
    ];
    expect(synthesiseKeepalives(closed, [{ side: 'client', everySec: 60 }])).toHaveLength(0);
    const open = [
      ...handshake,
      at(4, 130, { src: '10.0.0.9', dst: '10.0.0.2', srcPort: 1, dstPort: 2, flags: 'S', seq: 1 }),
    ];
    expect(
      synthesiseKeepalives(open, [{ side: 'server', everySec: 60 }])
        .filter((p) => p.src === '10.0.0.2')
        .map((p) => p.timeUs / 1e6),
    ).toEqual([60, 120]);
  });

  it('only probes flows of the endpoint asked for', () => {
    const packets = [...handshake, at(4, 200, { ...c, flags: '.', seq: 111, ack: 501 })];
    expect(
      synthesiseKeepalives(packets, [{ side: 'client', everySec: 60, endpoint: '10.0.0.3:80' }]),
    ).toHaveLength(0);
    expect(
      synthesiseKeepalives(packets, [{ side: 'client', everySec: 60, endpoint: '10.0.0.2:80' }]),
    ).toHaveLength(6);
  });
});
