import { TcpFlag } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { ChallengeAckBudget } from './ack-rate-limits.js';
import { processFullSocket } from './connection.processor.js';
import {
  CHALLENGE_ACK_UNLIMITED,
  defaultEndpointSettings,
  type EndpointSettings,
} from './endpoint-settings.js';
import type { ProcessContext } from './socket-replies.js';
import type { EndpointSegment } from './tcp-segment.js';
import type { FullSocket } from './tcp-socket.js';
import { clientSegment } from '../testing/client-segment.js';

const { ACK, SYN, FIN, RST, PSH } = TcpFlag;

function seg(tcpFlags: number, seq: number, ack = 0, payloadLength = 0): EndpointSegment {
  return clientSegment(tcpFlags, seq, ack, { payloadLength, window: 1000 });
}

/** Peer sends from 5000, we send from 9000; nothing in flight. */
function established(extra: Partial<FullSocket> = {}): FullSocket {
  return {
    kind: 'full',
    key: 'k',
    local: { address: '10.0.0.2', port: 80 },
    remote: { address: '10.0.0.1', port: 40000 },
    state: 'ESTABLISHED',
    orphan: false,
    finQueued: false,
    sndUna: 9000,
    sndNxt: 9000,
    sndKnowledge: 'observed',
    rcvNxt: 5000,
    rcvKnowledge: 'observed',
    maxWindow: 64000,
    rcvWindow: 64000,
    rcvWindowAssumed: false,
    receivedBytes: 0,
    createdUs: 0,
    lastReceivedUs: 0,
    keepaliveProbesOut: 0,
    ...extra,
  };
}

function ctx(
  nowUs: number,
  overrides: Partial<EndpointSettings> = {},
  budget?: ChallengeAckBudget,
): ProcessContext {
  const settings = { ...defaultEndpointSettings(), ...overrides };
  return {
    settings,
    nowUs,
    challengeBudget: budget ?? new ChallengeAckBudget(settings.challengeAckLimit),
  };
}

describe('synchronized socket answers (RFC 793 + RFC 5961, Linux)', () => {
  it('answers a SYN inside or outside the window with a challenge ACK', () => {
    for (const seq of [5000, 5100, 3_000_000_000]) {
      const out = processFullSocket(established(), seg(SYN, seq), ctx(1_000_000));
      expect(out.response).toMatchObject({
        kind: 'CHALLENGE_ACK',
        flags: ACK,
        seq: 9000,
        ack: 5000,
      });
      expect(out.transition.kind).toBe('keep');
    }
  });

  it('resets on a RST at exactly RCV.NXT', () => {
    const socket = established();
    const out = processFullSocket(socket, seg(RST, 5000), ctx(1));
    expect(out.transition.kind).toBe('remove');
    expect(out.response.kind).toBe('NONE');
    expect(socket.state).toBe('CLOSED');
  });

  it('challenges a RST inside the window that is not at RCV.NXT, ignores one outside', () => {
    expect(processFullSocket(established(), seg(RST, 5001), ctx(1)).response.kind).toBe(
      'CHALLENGE_ACK',
    );
    const outside = processFullSocket(established(), seg(RST, 500_000), ctx(1));
    expect(outside.response.kind).toBe('NONE');
    expect(outside.transition.kind).toBe('keep');
  });

  it('sends a duplicate ACK for data outside the window', () => {
    const out = processFullSocket(established(), seg(ACK | PSH, 900_000, 9000, 100), ctx(1));
    expect(out.response).toMatchObject({ kind: 'ACK', seq: 9000, ack: 5000 });
  });

  it('holds back a second challenge ACK within tcp_invalid_ratelimit', () => {
    const socket = established();
    expect(processFullSocket(socket, seg(SYN, 7), ctx(1_000_000)).response.kind).toBe(
      'CHALLENGE_ACK',
    );
    expect(processFullSocket(socket, seg(SYN, 7), ctx(1_200_000)).response).toMatchObject({
      kind: 'NONE',
      rateLimited: 'per-socket',
    });
    expect(processFullSocket(socket, seg(SYN, 7), ctx(1_600_000)).response.kind).toBe(
      'CHALLENGE_ACK',
    );
  });

  it('lets the host-wide budget swallow challenge ACKs across sockets', () => {
    const budget = new ChallengeAckBudget(1);
    const first = processFullSocket(
      established(),
      seg(SYN, 7),
      ctx(1, { challengeAckLimit: 1 }, budget),
    );
    const second = processFullSocket(
      established(),
      seg(SYN, 7),
      ctx(2, { challengeAckLimit: 1 }, budget),
    );
    expect(first.response.kind).toBe('CHALLENGE_ACK');
    expect(second.response).toMatchObject({ kind: 'NONE', rateLimited: 'challenge-ack-limit' });
    const unlimited = new ChallengeAckBudget(CHALLENGE_ACK_UNLIMITED);
    expect(processFullSocket(established(), seg(SYN, 7), ctx(3, {}, unlimited)).response.kind).toBe(
      'CHALLENGE_ACK',
    );
  });

  it('challenges an ACK older than SND.UNA - MAX.SND.WND (RFC 5961 5.2)', () => {
    const socket = established({ sndUna: 200_000, sndNxt: 200_000, maxWindow: 1000 });
    const out = processFullSocket(socket, seg(ACK, 5000, 100_000), ctx(1));
    expect(out.response.kind).toBe('CHALLENGE_ACK');
  });

  it('moves to CLOSE-WAIT on the peer FIN and ACKs it', () => {
    const socket = established();
    const out = processFullSocket(socket, seg(FIN | ACK, 5000, 9000), ctx(1));
    expect(socket.state).toBe('CLOSE_WAIT');
    expect(out.response).toMatchObject({ kind: 'ACK', seq: 9000, ack: 5001 });
  });

  it('acks in-order data (possibly delayed) and counts it', () => {
    const socket = established();
    const out = processFullSocket(socket, seg(ACK | PSH, 5000, 9000, 300), ctx(1));
    expect(out.response).toMatchObject({ kind: 'ACK', ack: 5300, delayed: true });
    expect(socket.receivedBytes).toBe(300);
  });

  it('learns RCV.NXT from the first segment when the socket came from ss', () => {
    const socket = established({
      rcvNxt: undefined,
      rcvKnowledge: undefined,
      sndUna: undefined,
      sndNxt: undefined,
      sndKnowledge: undefined,
    });
    const out = processFullSocket(socket, seg(ACK | PSH, 777, 4242, 10), ctx(1));
    expect(socket.rcvNxt).toBe(787);
    expect(socket.sndNxt).toBe(4242);
    expect(out.notes.join(' ')).toMatch(/unknown/);
  });

  it('reports unknown numbers in a challenge ACK of a seeded socket', () => {
    const socket = established({ rcvNxt: undefined, sndUna: undefined, sndNxt: undefined });
    const out = processFullSocket(socket, seg(SYN, 1234), ctx(1));
    expect(out.response.kind).toBe('CHALLENGE_ACK');
    expect(out.response.unknown).toEqual(['seq', 'ack']);
  });
});

describe('closing states', () => {
  it('FIN-WAIT-1 -> FIN-WAIT-2 on the ACK of our FIN; a half-closed socket stays a full socket', () => {
    const socket = established({ state: 'FIN_WAIT1', finQueued: true, finSeq: 9000, sndNxt: 9001 });
    const out = processFullSocket(socket, seg(ACK, 5000, 9001), ctx(1));
    expect(socket.state).toBe('FIN_WAIT2');
    expect(out.transition.kind).toBe('keep');
    // the leaked half-closed socket of seed 000 answers a new SYN with a challenge ACK
    expect(processFullSocket(socket, seg(SYN, 123_456), ctx(2_000_000)).response.kind).toBe(
      'CHALLENGE_ACK',
    );
  });

  it('an orphan becomes the small FIN-WAIT-2 form for tcp_fin_timeout', () => {
    const socket = established({
      state: 'FIN_WAIT1',
      orphan: true,
      finQueued: true,
      finSeq: 9000,
      sndNxt: 9001,
    });
    const out = processFullSocket(
      socket,
      seg(ACK, 5000, 9001),
      ctx(10_000_000, { finTimeoutSec: 30 }),
    );
    expect(out.transition.kind).toBe('time-wait');
    if (out.transition.kind === 'time-wait') {
      expect(out.transition.socket.substate).toBe('FIN_WAIT2');
      expect(out.transition.socket.expiresUs).toBe(40_000_000);
    }
  });

  it('an orphan that gets data after close() is reset', () => {
    const socket = established({
      state: 'FIN_WAIT1',
      orphan: true,
      finQueued: true,
      finSeq: 9000,
      sndNxt: 9001,
    });
    const out = processFullSocket(socket, seg(ACK | PSH, 5000, 9000, 50), ctx(1));
    expect(out.transition.kind).toBe('remove');
    expect(out.response).toMatchObject({ kind: 'RST', seq: 9000 });
  });

  it('FIN-WAIT-2 + peer FIN -> TIME-WAIT with an ACK', () => {
    const socket = established({
      state: 'FIN_WAIT2',
      finQueued: true,
      finSeq: 9000,
      sndUna: 9001,
      sndNxt: 9001,
    });
    const out = processFullSocket(socket, seg(FIN | ACK, 5000, 9001), ctx(5_000_000));
    expect(out.response).toMatchObject({ kind: 'ACK', seq: 9001, ack: 5001 });
    expect(out.transition.kind).toBe('time-wait');
    if (out.transition.kind === 'time-wait')
      expect(out.transition.socket.expiresUs).toBe(65_000_000);
  });

  it('LAST-ACK closes on the ACK of our FIN; CLOSE-WAIT resets on a RST at RCV.NXT-1', () => {
    const lastAck = established({
      state: 'LAST_ACK',
      finQueued: true,
      finSeq: 9000,
      sndNxt: 9001,
      rcvNxt: 5001,
    });
    expect(processFullSocket(lastAck, seg(ACK, 5001, 9001), ctx(1)).transition.kind).toBe('remove');
    const closeWait = established({ state: 'CLOSE_WAIT', rcvNxt: 5001 });
    expect(processFullSocket(closeWait, seg(RST, 5000), ctx(1)).transition.kind).toBe('remove');
  });
});

describe('SYN-SENT', () => {
  const connecting = () =>
    established({
      state: 'SYN_SENT',
      iss: 9000,
      sndUna: 9000,
      sndNxt: 9001,
      rcvNxt: undefined,
      rcvKnowledge: undefined,
    });

  it('completes on a SYN-ACK for our SYN', () => {
    const socket = connecting();
    const out = processFullSocket(socket, seg(SYN | ACK, 70_000, 9001), ctx(1));
    expect(socket.state).toBe('ESTABLISHED');
    expect(out.response).toMatchObject({ kind: 'ACK', seq: 9001, ack: 70_001 });
  });

  it('answers an ACK for something else (a challenge ACK from a stale socket) with RST seq=SEG.ACK', () => {
    const out = processFullSocket(connecting(), seg(ACK, 5000, 123_456), ctx(1));
    expect(out.response).toMatchObject({ kind: 'RST', flags: RST, seq: 123_456 });
    expect(out.transition.kind).toBe('keep');
  });

  it('is refused by a RST that acknowledges the SYN', () => {
    expect(processFullSocket(connecting(), seg(RST | ACK, 0, 9001), ctx(1)).transition.kind).toBe(
      'remove',
    );
  });
});
