import { describe, expect, it } from 'vitest';
import { syntheticTcpPacket } from '../conntrack/synthetic-packet.js';
import { tupleKey } from '../model/index.js';
import { tupleOf, wireKey, withTuple } from './packet-tuples.js';

describe('packet tuples', () => {
  const packet = syntheticTcpPacket({
    src: '10.0.0.1',
    dst: '10.96.0.1',
    srcPort: 4000,
    dstPort: 80,
    flags: 'S',
    seq: 9,
  });

  it('keys a packet exactly as conntrack keys its tuple', () => {
    expect(wireKey(packet)).toBe(tupleKey(tupleOf(packet)));
  });

  it('rewrites addresses and ports and keeps everything else', () => {
    const moved = withTuple(packet, {
      protocol: 6,
      src: '10.0.0.1',
      srcPort: 4000,
      dst: '10.244.1.2',
      dstPort: 8080,
    });
    expect(moved).toMatchObject({
      dst: '10.244.1.2',
      dstPort: 8080,
      timeUs: packet.timeUs,
      tcp: packet.tcp,
      locator: packet.locator,
    });
    expect(packet.dst).toBe('10.96.0.1');
  });
});
