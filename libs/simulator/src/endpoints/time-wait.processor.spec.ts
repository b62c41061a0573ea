import { TcpFlag } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { ChallengeAckBudget } from './ack-rate-limits.js';
import { defaultEndpointSettings, type EndpointSettings } from './endpoint-settings.js';
import type { ProcessContext } from './socket-replies.js';
import type { EndpointSegment } from './tcp-segment.js';
import type { TimeWaitSocket } from './tcp-socket.js';
import { inWindow, processTimeWait } from './time-wait.processor.js';
import { clientSegment } from '../testing/client-segment.js';

const { ACK, SYN, FIN, RST } = TcpFlag;

function seg(
  tcpFlags: number,
  seq: number,
  ack = 0,
  extra: Partial<EndpointSegment> = {},
): EndpointSegment {
  return clientSegment(tcpFlags, seq, ack, { window: 500, ...extra });
}

function tw(
  substate: 'TIME_WAIT' | 'FIN_WAIT2',
  extra: Partial<TimeWaitSocket> = {},
): TimeWaitSocket {
  return {
    kind: 'time-wait',
    key: 'k',
    local: { address: '10.0.0.2', port: 80 },
    remote: { address: '10.0.0.1', port: 40000 },
    substate,
    rcvNxt: 5000,
    sndNxt: 9000,
    rcvWindow: 65535,
    expiresUs: 60_000_000,
    ...extra,
  };
}

function ctx(
  nowUs: number,
  settings: EndpointSettings = defaultEndpointSettings(),
): ProcessContext {
  return { settings, nowUs, challengeBudget: new ChallengeAckBudget(settings.challengeAckLimit) };
}

describe('inWindow (mini-socket window test)', () => {
  it('accepts a segment at the left edge or overlapping the window', () => {
    expect(inWindow(100, 100, 100, 200)).toBe(true);
    expect(inWindow(90, 110, 100, 200)).toBe(true);
    expect(inWindow(80, 100, 100, 200)).toBe(false);
    expect(inWindow(200, 210, 100, 200)).toBe(false);
    expect(inWindow(200, 200, 100, 200)).toBe(true);
  });
});

describe('TIME-WAIT', () => {
  it('answers a retransmitted FIN with the TW ACK and restarts the 60 s timer', () => {
    const socket = tw('TIME_WAIT');
    const outcome = processTimeWait(socket, seg(FIN | ACK, 4999, 9000), ctx(10_000_000));
    expect(outcome.transition).toBe('keep');
    expect(outcome.response).toMatchObject({ kind: 'ACK', seq: 9000, ack: 5000 });
    expect(socket.expiresUs).toBe(70_000_000);
  });

  it('is killed by a RST at RCV.NXT unless tcp_rfc1337', () => {
    expect(processTimeWait(tw('TIME_WAIT'), seg(RST, 5000), ctx(1)).transition).toBe('remove');
    const strict = { ...defaultEndpointSettings(), rfc1337: true };
    expect(processTimeWait(tw('TIME_WAIT'), seg(RST, 5000), ctx(1, strict)).transition).toBe(
      'keep',
    );
  });

  it('ignores a RST with another sequence number', () => {
    const outcome = processTimeWait(tw('TIME_WAIT'), seg(RST, 7000), ctx(1));
    expect(outcome.transition).toBe('keep');
    expect(outcome.response.kind).toBe('NONE');
  });

  it('lets a SYN above RCV.NXT reopen the connection with ISN = SND.NXT + 65537', () => {
    const outcome = processTimeWait(tw('TIME_WAIT'), seg(SYN, 6000), ctx(1));
    expect(outcome.transition).toBe('reopen');
    expect(outcome.isn).toBe(9000 + 65537);
  });

  it('lets a SYN below RCV.NXT reopen only with a newer timestamp', () => {
    const old = processTimeWait(
      tw('TIME_WAIT', { tsRecent: 100 }),
      seg(SYN, 10, 0, { timestamp: { value: 50, echo: 0 } }),
      ctx(1),
    );
    expect(old.transition).toBe('keep');
    expect(old.response).toMatchObject({ kind: 'ACK', seq: 9000, ack: 5000 });
    const newer = processTimeWait(
      tw('TIME_WAIT', { tsRecent: 100 }),
      seg(SYN, 10, 0, { timestamp: { value: 150, echo: 0 } }),
      ctx(1),
    );
    expect(newer.transition).toBe('reopen');
  });

  it('rate-limits repeated TW ACKs for pure ACKs but not for FIN retransmits', () => {
    const socket = tw('TIME_WAIT');
    expect(processTimeWait(socket, seg(ACK, 100, 9000), ctx(1_000_000)).response.kind).toBe('ACK');
    expect(processTimeWait(socket, seg(ACK, 100, 9000), ctx(1_100_000)).response).toMatchObject({
      kind: 'NONE',
      rateLimited: 'per-socket',
    });
    expect(processTimeWait(socket, seg(FIN | ACK, 4999, 9000), ctx(1_200_000)).response.kind).toBe(
      'ACK',
    );
  });
});

describe('orphaned FIN-WAIT-2 (timewait form)', () => {
  it('turns into TIME-WAIT on the peer FIN and ACKs it', () => {
    const socket = tw('FIN_WAIT2');
    const outcome = processTimeWait(socket, seg(FIN | ACK, 5000, 9000), ctx(2_000_000));
    expect(outcome.response).toMatchObject({ kind: 'ACK', seq: 9000, ack: 5001 });
    expect(socket.substate).toBe('TIME_WAIT');
    expect(socket.expiresUs).toBe(62_000_000);
  });

  it('resets on new data after close()', () => {
    const outcome = processTimeWait(
      tw('FIN_WAIT2'),
      seg(ACK | TcpFlag.PSH, 5000, 9000, { payloadLength: 10 }),
      ctx(1),
    );
    expect(outcome.transition).toBe('remove');
    expect(outcome.response).toMatchObject({ kind: 'RST', seq: 9000 });
  });

  it('resets a SYN at or above RCV.NXT inside the window, ACKs one outside', () => {
    const inside = processTimeWait(tw('FIN_WAIT2'), seg(SYN, 5100), ctx(1));
    expect(inside.response).toMatchObject({ kind: 'RST_ACK', ack: 5101 });
    const outside = processTimeWait(tw('FIN_WAIT2'), seg(SYN, 900_000), ctx(1));
    expect(outside.response).toMatchObject({ kind: 'ACK', seq: 9000, ack: 5000 });
    expect(outside.transition).toBe('keep');
  });

  it('learns sequence numbers it did not have from the peer', () => {
    const socket = tw('TIME_WAIT');
    delete socket.rcvNxt;
    delete socket.sndNxt;
    const outcome = processTimeWait(socket, seg(FIN | ACK, 4999, 9000), ctx(1));
    expect(socket.rcvNxt).toBe(5000);
    expect(outcome.response).toMatchObject({ kind: 'ACK', seq: 9000, ack: 5000 });
    expect(outcome.note).toMatch(/unknown/);
  });
});
