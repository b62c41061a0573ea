import type { Packet, SocketSnapshot } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { syntheticTcpPacket } from '../conntrack/synthetic-packet.js';
import { inferLocalAddresses, plainAddress } from './local-addresses.js';

const socket = (ip: string, state: SocketSnapshot['state'] = 'LISTEN'): SocketSnapshot => ({
  locator: { artifact: 'ss.txt', line: 2 },
  protocol: 'tcp',
  state,
  recvQ: 0,
  sendQ: 0,
  local: { ip, port: 8080 },
  peer: null,
});

function packet(src: string, dst: string, extra: Partial<Packet> = {}): Packet {
  return {
    ...syntheticTcpPacket({ src, dst, srcPort: 1000, dstPort: 80, flags: '.', seq: 1 }),
    ...extra,
  };
}

describe('inferLocalAddresses', () => {
  it('takes the local side of ss sockets, mapped IPv4 included, never wildcards', () => {
    const found = inferLocalAddresses(
      [],
      [socket('::ffff:10.0.0.2'), socket('*'), socket('fd00::2')],
    );
    expect([...found.addresses]).toEqual(['10.0.0.2', 'fd00::2']);
    expect(found.sources[0]).toContain('ss ss.txt');
  });

  it('uses a cooked capture’s direction', () => {
    const found = inferLocalAddresses(
      [
        packet('10.0.0.5', '10.0.0.9', { direction: 'out' }),
        packet('10.0.0.8', '10.0.0.5', { direction: 'in' }),
      ],
      [],
    );
    expect([...found.addresses]).toEqual(['10.0.0.5']);
  });

  it('falls back to the one address in nearly every packet, and guesses nothing on a tie', () => {
    const many = [
      packet('10.0.0.5', '10.0.0.9'),
      packet('10.0.0.7', '10.0.0.5'),
      packet('10.0.0.5', '10.0.0.8'),
    ];
    expect([...inferLocalAddresses(many, []).addresses]).toEqual(['10.0.0.5']);
    const one = [packet('10.0.0.5', '10.0.0.9'), packet('10.0.0.9', '10.0.0.5')];
    expect(inferLocalAddresses(one, []).addresses.size).toBe(0);
  });

  it('reads ::ffff:a.b.c.d as the IPv4 address conntrack uses', () => {
    expect(plainAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(plainAddress('::ffff:abcd')).toBe('::ffff:abcd');
  });
});
