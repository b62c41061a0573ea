import type { Packet } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { syntheticTcpPacket } from '../conntrack/synthetic-packet.js';
import { flagsShow, ResponseWatcher } from './observed-responses.js';
import { ReplayStep } from './replay-step.js';

const ask = syntheticTcpPacket({
  src: '10.0.0.1',
  dst: '10.0.0.2',
  srcPort: 4000,
  dstPort: 80,
  flags: 'P.',
  seq: 9,
  ack: 1,
  timeUs: 1_000,
});
const answer = (flags: string, timeUs: number): Packet =>
  syntheticTcpPacket({
    src: '10.0.0.2',
    dst: '10.0.0.1',
    srcPort: 80,
    dstPort: 4000,
    flags,
    seq: 1,
    timeUs,
  });

describe('ResponseWatcher', () => {
  it('links the next packet on the reverse tuple to the prediction and says whether it matches', () => {
    const watcher = new ResponseWatcher();
    const steps = [new ReplayStep(ask), new ReplayStep(answer('R', 2_000))];
    watcher.expect(ask, 0, 'RST', true, ask.timeUs);
    expect(watcher.answersUntranslated('6|10.0.0.2|80|10.0.0.1|4000')).toBe(true);
    watcher.match(steps[1] as ReplayStep, 1, steps[1]?.packet as Packet, steps);
    expect(steps[0]).toMatchObject({ observedAt: 1, observedMatches: true });
    expect(steps[1]?.notes?.[0]).toMatch(/skipped NAT/);
    expect(watcher.size).toBe(0);
  });

  it('records a contradiction, and ignores an answer too late to be one', () => {
    const watcher = new ResponseWatcher();
    const steps = [new ReplayStep(ask), new ReplayStep(answer('.', 2_000))];
    watcher.expect(ask, 0, 'RST', false, ask.timeUs);
    watcher.match(steps[1] as ReplayStep, 1, steps[1]?.packet as Packet, steps);
    expect(steps[0]).toMatchObject({ observedAt: 1, observedMatches: false });
    const late = [new ReplayStep(ask), new ReplayStep(answer('R', 10_000_000))];
    watcher.expect(ask, 0, 'RST', false, ask.timeUs);
    watcher.match(late[1] as ReplayStep, 1, late[1]?.packet as Packet, late);
    expect(late[0]?.observedAt).toBe(-1);
  });

  it('tells answers apart by flags', () => {
    expect(flagsShow('SYN_ACK', 0x12)).toBe(true);
    expect(flagsShow('SYN_ACK', 0x10)).toBe(false);
    expect(flagsShow('CHALLENGE_ACK', 0x10)).toBe(true);
    expect(flagsShow('CHALLENGE_ACK', 0x14)).toBe(false);
  });
});
