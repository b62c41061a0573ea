import { TcpFlag } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { ackFrom, resetFor } from './segment-response.js';
import type { EndpointSegment } from './tcp-segment.js';

const segment = (
  tcpFlags: number,
  seq: number,
  ack: number,
  payloadLength = 0,
): EndpointSegment => ({
  family: 4,
  protocol: 6,
  src: '10.0.0.1',
  dst: '10.0.0.2',
  srcPort: 40000,
  dstPort: 80,
  tcpFlags,
  seq,
  ack,
  payloadLength,
  window: 502,
});

describe('resetFor (RFC 793 reset generation)', () => {
  it('takes the sequence from SEG.ACK when the segment has an ACK', () => {
    const reply = resetFor(segment(TcpFlag.ACK | TcpFlag.PSH, 1000, 777, 100), 'no socket');
    expect(reply).toMatchObject({ kind: 'RST', flags: TcpFlag.RST, seq: 777, ack: 0 });
  });

  it('acknowledges SEQ + length (+SYN, +FIN) when the segment has no ACK', () => {
    expect(resetFor(segment(TcpFlag.SYN, 1000, 0), 'closed port')).toMatchObject({
      kind: 'RST_ACK',
      flags: TcpFlag.RST | TcpFlag.ACK,
      seq: 0,
      ack: 1001,
    });
    expect(resetFor(segment(TcpFlag.FIN, 0xffff_ffff, 0, 10), 'x').ack).toBe(10);
  });

  it('never answers a RST', () => {
    expect(resetFor(segment(TcpFlag.RST | TcpFlag.ACK, 5, 6), 'no socket').kind).toBe('NONE');
  });
});

describe('ackFrom', () => {
  it('says which numbers are unknown instead of inventing them', () => {
    const reply = ackFrom('CHALLENGE_ACK', undefined, 42, 'SYN on a synchronized socket');
    expect(reply).toMatchObject({ seq: 0, ack: 42, unknown: ['seq'] });
    expect(ackFrom('ACK', 1, 2, 'dup').unknown).toBeUndefined();
  });
});
