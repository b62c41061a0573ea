import { TcpFlag } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { ChallengeAckBudget } from './ack-rate-limits.js';
import { defaultEndpointSettings } from './endpoint-settings.js';
import { processListener, processRequest, requestLifetimeUs } from './listener.processor.js';
import type { ProcessContext } from './socket-replies.js';
import type { EndpointSegment } from './tcp-segment.js';
import type { ListenerSocket } from './tcp-socket.js';
import { clientSegment } from '../testing/client-segment.js';

const { ACK, SYN, RST, FIN, PSH } = TcpFlag;

function seg(tcpFlags: number, seq: number, ack = 0, payloadLength = 0): EndpointSegment {
  return clientSegment(tcpFlags, seq, ack, { payloadLength, window: 64240 });
}
const listener = (backlogFull = false): ListenerSocket => ({
  key: '::|80',
  address: '::',
  port: 80,
  v6only: false,
  backlogFull,
});
const ctx = (nowUs = 1): ProcessContext => {
  const settings = defaultEndpointSettings();
  return { settings, nowUs, challengeBudget: new ChallengeAckBudget(settings.challengeAckLimit) };
};

describe('listener', () => {
  it('resets a non-SYN segment with ACK that matches no connection (seq = SEG.ACK)', () => {
    const out = processListener(
      listener(),
      seg(ACK | PSH, 1_000_000, 2_000_000, 1448),
      ctx(),
      undefined,
    );
    expect(out.response).toMatchObject({ kind: 'RST', flags: RST, seq: 2_000_000, ack: 0 });
    expect(out.request).toBeUndefined();
  });

  it('answers a SYN with a SYN-ACK and queues a request', () => {
    const out = processListener(listener(), seg(SYN, 100), ctx(), 555);
    expect(out.response).toMatchObject({ kind: 'SYN_ACK', seq: 555, ack: 101 });
    expect(out.request).toMatchObject({ irs: 100, iss: 555 });
  });

  it('reports an unknown ISN instead of inventing one', () => {
    expect(processListener(listener(), seg(SYN, 100), ctx(), undefined).response.unknown).toEqual([
      'seq',
    ]);
  });

  it('drops RSTs, bare FINs, SYN+FIN and SYNs to a full accept queue', () => {
    expect(processListener(listener(), seg(RST, 1), ctx(), 1).response.kind).toBe('NONE');
    expect(processListener(listener(), seg(FIN, 1), ctx(), 1).response.kind).toBe('NONE');
    expect(processListener(listener(), seg(SYN | FIN, 1), ctx(), 1).response.kind).toBe('NONE');
    const full = processListener(listener(true), seg(SYN, 1), ctx(), 1);
    expect(full.response.kind).toBe('NONE');
    expect(full.request).toBeUndefined();
  });
});

describe('pending request (SYN-RECV)', () => {
  const pending = () => processListener(listener(), seg(SYN, 100), ctx(), 555).request!;

  it('completes the handshake on the right ACK', () => {
    const out = processRequest(pending(), listener(), seg(ACK, 101, 556), ctx());
    expect(out.transition).toBe('child');
    expect(out.child).toMatchObject({ state: 'SYN_RECV', rcvNxt: 101, sndNxt: 556 });
  });

  it('has the listener reset an ACK that does not acknowledge the SYN-ACK', () => {
    const out = processRequest(pending(), listener(), seg(ACK, 101, 9999), ctx());
    expect(out.response).toMatchObject({ kind: 'RST', seq: 9999 });
    expect(out.transition).toBe('keep');
  });

  it('resends the SYN-ACK for a retransmitted SYN', () => {
    expect(processRequest(pending(), listener(), seg(SYN, 100), ctx()).response).toMatchObject({
      kind: 'SYN_ACK',
      seq: 555,
      ack: 101,
    });
  });

  it('resets a different SYN inside the window and drops the request', () => {
    const out = processRequest(pending(), listener(), seg(SYN, 150), ctx());
    expect(out.transition).toBe('remove');
    expect(out.response.kind).toBe('RST_ACK');
  });

  it('drops the request on an in-window RST', () => {
    expect(processRequest(pending(), listener(), seg(RST, 101), ctx()).transition).toBe('remove');
  });

  it('lives for the SYN-ACK retransmissions: 63 s with tcp_synack_retries=5', () => {
    expect(requestLifetimeUs(5)).toBe(63_000_000);
  });
});
