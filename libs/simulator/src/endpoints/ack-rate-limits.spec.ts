import { TcpFlag } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { ChallengeAckBudget, dupAckLimited, oowAckLimited } from './ack-rate-limits.js';
import { CHALLENGE_ACK_UNLIMITED } from './endpoint-settings.js';
import type { EndpointSegment } from './tcp-segment.js';

const segment = (tcpFlags: number, payloadLength: number): EndpointSegment => ({
  family: 4,
  protocol: 6,
  src: '10.0.0.1',
  dst: '10.0.0.2',
  srcPort: 1,
  dstPort: 2,
  tcpFlags,
  seq: 1,
  ack: 1,
  payloadLength,
  window: 1,
});

describe('per-socket out-of-window ACK limit', () => {
  it('skips a second ACK inside the gap and allows one after it', () => {
    const memory = {};
    expect(oowAckLimited(memory, 1_000_000, 500)).toBe(false);
    expect(oowAckLimited(memory, 1_400_000, 500)).toBe(true);
    expect(oowAckLimited(memory, 1_500_000, 500)).toBe(false);
  });

  it('always answers data without SYN and leaves the memory alone', () => {
    const memory = { lastOowAckUs: 1_000_000 };
    expect(dupAckLimited(memory, segment(TcpFlag.ACK, 100), 1_100_000, 500)).toBe(false);
    expect(memory.lastOowAckUs).toBe(1_000_000);
    expect(dupAckLimited(memory, segment(TcpFlag.ACK, 0), 1_100_000, 500)).toBe(true);
  });
});

describe('ChallengeAckBudget', () => {
  it('allows `limit` challenge ACKs per second without randomness', () => {
    const budget = new ChallengeAckBudget(2);
    expect([0, 1, 2].map((i) => budget.take(5_000_000 + i))).toEqual([true, true, false]);
    expect(budget.take(6_000_000)).toBe(true);
  });

  it('draws the per-second count from [limit/2, 1.5*limit) with randomness', () => {
    const low = new ChallengeAckBudget(1000, () => 0);
    let granted = 0;
    while (low.take(0)) granted++;
    expect(granted).toBe(500);
    const high = new ChallengeAckBudget(1000, () => 0.9999);
    granted = 0;
    while (high.take(0)) granted++;
    expect(granted).toBe(1499);
  });

  it('is off at INT_MAX', () => {
    const budget = new ChallengeAckBudget(CHALLENGE_ACK_UNLIMITED);
    for (let i = 0; i < 5000; i++) expect(budget.take(0)).toBe(true);
  });
});
