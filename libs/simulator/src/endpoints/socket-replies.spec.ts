import { TcpFlag } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { ChallengeAckBudget } from './ack-rate-limits.js';
import { defaultEndpointSettings } from './endpoint-settings.js';
import { challengeAck, duplicateAck, type ProcessContext } from './socket-replies.js';
import type { EndpointSegment } from './tcp-segment.js';

const settings = defaultEndpointSettings();
const ctx = (
  nowUs: number,
  budget = new ChallengeAckBudget(settings.challengeAckLimit),
): ProcessContext => ({
  settings,
  nowUs,
  challengeBudget: budget,
});
const ack = (payloadLength: number): EndpointSegment => ({
  family: 4,
  protocol: 6,
  src: 'a',
  dst: 'b',
  srcPort: 1,
  dstPort: 2,
  tcpFlags: TcpFlag.ACK,
  seq: 1,
  ack: 1,
  payloadLength,
  window: 1,
});

describe('challengeAck', () => {
  it('answers with SND.NXT/RCV.NXT and shares the per-socket memory with duplicate ACKs', () => {
    const socket = { sndNxt: 10, rcvNxt: 20 };
    expect(challengeAck(socket, ctx(0), 'why')).toMatchObject({
      kind: 'CHALLENGE_ACK',
      seq: 10,
      ack: 20,
    });
    expect(duplicateAck(socket, ack(0), ctx(100_000), 'why').rateLimited).toBe('per-socket');
    expect(duplicateAck(socket, ack(10), ctx(100_000), 'why').kind).toBe('ACK');
  });

  it('says which limit swallowed it', () => {
    const spent = new ChallengeAckBudget(1);
    spent.take(0);
    const out = challengeAck({ sndNxt: 1, rcvNxt: 2 }, ctx(0, spent), 'why');
    expect(out).toMatchObject({ kind: 'NONE', rateLimited: 'challenge-ack-limit' });
    expect(out.reason).toMatch(/tcp_challenge_ack_limit/);
  });
});
