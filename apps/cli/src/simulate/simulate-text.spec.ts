import type { Packet } from '@netmortem/domain';
import { replayEvidence, type ReplayDiff } from '@netmortem/simulator';
import { describe, expect, it } from 'vitest';
import { simulateText } from './simulate-text.js';

function syn(number: number, timeUs: number): Packet {
  return {
    locator: { artifact: 'a.pcap', packet: number },
    timeUs,
    timeSubUsNs: 0,
    ipVersion: 4,
    src: '10.0.0.1',
    dst: '10.0.0.2',
    ttl: 64,
    protocol: 6,
    srcPort: 40000 + number,
    dstPort: 80,
    tcp: { flags: 0x02, seq: 1, ack: 0, window: 64240, headerLength: 20, options: {} },
    payloadLength: 0,
    capturedLength: 40,
    originalLength: 40,
  };
}

describe('simulateText', () => {
  it('puts the what-if verdict first, then the replay’s notable packets and hidden state', () => {
    const run = replayEvidence(
      { packets: [syn(1, 1e15), syn(2, 1e15 + 10)] },
      { localAddresses: ['10.0.0.2'] },
    );
    const diff: ReplayDiff = {
      overrides: ['kernel 6.2+'],
      noLongerHappens: [],
      packets: [],
      timeline: [],
      summary: ['no packet’s fate changes under kernel 6.2+'],
      synthesised: 0,
    };
    const text = simulateText(run, diff);
    expect(text.indexOf('WHAT-IF')).toBe(0);
    expect(text).toContain('no packet’s fate changes under kernel 6.2+');
    expect(text).toMatch(/REPLAY {2}2 packets from a\.pcap/);
    expect(text).toMatch(
      /a\.pcap#1 .* SYN from 10\.0\.0\.1:40001 to 10\.0\.0\.2:80 \| NEW NONE->SYN_SENT entry 1/,
    );
    expect(text).toContain('HIDDEN STATE 2 events');
  });
});
