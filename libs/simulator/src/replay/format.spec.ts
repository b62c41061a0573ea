import { describe, expect, it } from 'vitest';
import { syntheticTcpPacket } from '../conntrack/synthetic-packet.js';
import { flagsText, isoMicros, packetText, tupleText } from './format.js';

describe('format', () => {
  it('writes capture times with their microseconds', () => {
    expect(isoMicros(1_700_000_000_123_456)).toBe('2023-11-14T22:13:20.123456Z');
  });

  it('names flags and packets as people say them', () => {
    expect(flagsText(0x12)).toBe('SYN,ACK');
    expect(flagsText(0)).toBe('none');
    const rst = syntheticTcpPacket({
      src: 'fd00::5',
      dst: 'fd00::1',
      srcPort: 8080,
      dstPort: 5000,
      flags: 'R',
      seq: 1,
    });
    expect(packetText(rst)).toBe('RST from [fd00::5]:8080 to [fd00::1]:5000');
    expect(
      tupleText({ protocol: 6, src: '10.0.0.1', srcPort: 1, dst: '10.0.0.2', dstPort: 2 }),
    ).toBe('10.0.0.1:1 > 10.0.0.2:2');
  });
});
