import { describe, expect, it } from 'vitest';
import { parseTcpdumpSegment, seqAdd } from './segment-sniffer.js';

describe('tcpdump segment lines', () => {
  it('reads a data segment', () => {
    const segment = parseTcpdumpSegment(
      '05:50:15.253669 IP 10.78.41.20.8080 > 10.78.41.2.36100: Flags [P.], seq 2968983579:2968983585, ack 2159520928, win 64, length 6',
    );
    expect(segment).toMatchObject({
      flags: 'P.',
      seq: 2968983579,
      seqEnd: 2968983585,
      ack: 2159520928,
    });
  });

  it('reads a bare ACK and a RST', () => {
    expect(
      parseTcpdumpSegment('IP a.1 > b.2: Flags [.], ack 608932494, win 64, length 0'),
    ).toMatchObject({
      flags: '.',
      ack: 608932494,
    });
    expect(
      parseTcpdumpSegment('IP a.1 > b.2: Flags [R], seq 1600055334, win 0, length 0'),
    ).toMatchObject({
      flags: 'R',
      seq: 1600055334,
      seqEnd: 1600055334,
      ack: undefined,
    });
  });

  it('ignores everything else', () => {
    expect(
      parseTcpdumpSegment('ARP, Request who-has 10.78.1.10 tell 10.78.1.2, length 28'),
    ).toBeUndefined();
    expect(parseTcpdumpSegment('listening on eth0, link-type EN10MB')).toBeUndefined();
  });

  it('adds in 32-bit sequence space', () => {
    expect(seqAdd(2 ** 32 - 10, 2 ** 30)).toBe(2 ** 30 - 10);
    expect(seqAdd(5, -10)).toBe(2 ** 32 - 5);
  });
});
