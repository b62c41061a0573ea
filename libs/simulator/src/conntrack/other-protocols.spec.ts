import type { Packet } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { TrackedEntry } from './conntrack-record.js';
import { icmpMayCreate, isIcmpError, udpNew, udpPacket } from './other-protocols.js';
import { DEFAULT_CONNTRACK_SETTINGS } from './settings.js';

const SEC = 1_000_000;

function icmp(protocol: 1 | 58, type: number): Packet {
  return {
    locator: { artifact: 'synthetic', packet: 1 },
    timeUs: 0,
    timeSubUsNs: 0,
    ipVersion: protocol === 1 ? 4 : 6,
    src: protocol === 1 ? '10.0.0.1' : 'fd00::1',
    dst: protocol === 1 ? '10.0.0.2' : 'fd00::2',
    ttl: 64,
    protocol,
    icmp: { type, code: 0, name: 'test' },
    payloadLength: 8,
    capturedLength: 36,
    originalLength: 36,
  };
}

describe('ICMP classification', () => {
  it('tells errors (which belong to another flow) from queries (which open one)', () => {
    expect(isIcmpError(icmp(1, 3))).toBe(true);
    expect(isIcmpError(icmp(1, 11))).toBe(true);
    expect(isIcmpError(icmp(1, 8))).toBe(false);
    expect(isIcmpError(icmp(58, 1))).toBe(true);
    expect(isIcmpError(icmp(58, 128))).toBe(false);
    expect(icmpMayCreate(icmp(1, 8))).toBe(true);
    expect(icmpMayCreate(icmp(1, 0))).toBe(false);
    expect(icmpMayCreate(icmp(58, 128))).toBe(true);
    expect(icmpMayCreate(icmp(58, 129))).toBe(false);
  });
});

describe('UDP timers', () => {
  const tuple = { protocol: 17, src: '10.0.0.1', srcPort: 1, dst: '10.0.0.2', dstPort: 53 };

  it('uses the unreplied timeout until a reply, then the stream timeout once 2 s have passed', () => {
    const entry = new TrackedEntry(1, tuple, tuple, 0);
    udpNew(entry, 0);
    udpPacket(entry, 0, DEFAULT_CONNTRACK_SETTINGS);
    expect([entry.timerState, entry.expiresUs]).toEqual(['UDP', 30 * SEC]);
    entry.seenReply = true;
    udpPacket(entry, 2 * SEC, DEFAULT_CONNTRACK_SETTINGS);
    expect([entry.timerState, entry.assured]).toEqual(['UDP', false]);
    udpPacket(entry, 2 * SEC + 1, DEFAULT_CONNTRACK_SETTINGS);
    expect([entry.timerState, entry.assured, entry.expiresUs]).toEqual([
      'UDP_STREAM',
      true,
      2 * SEC + 1 + 120 * SEC,
    ]);
  });
});
