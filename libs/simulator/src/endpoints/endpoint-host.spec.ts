import { TcpFlag } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { EndpointHost } from './endpoint-host.js';
import { defaultEndpointSettings, type EndpointSettings } from './endpoint-settings.js';
import type { EndpointSegment } from './tcp-segment.js';

const { ACK, SYN, FIN, RST, PSH } = TcpFlag;
const SERVER = { address: '10.0.0.2', port: 9000 };
const CLIENT = { address: '10.0.0.1', port: 40000 };

/** A segment from CLIENT to SERVER (or the other way with `out`). */
function seg(
  tcpFlags: number,
  seq: number,
  ack = 0,
  payloadLength = 0,
  out = false,
): EndpointSegment {
  const [from, to] = out ? [SERVER, CLIENT] : [CLIENT, SERVER];
  return {
    family: 4,
    protocol: 6,
    src: from.address,
    dst: to.address,
    srcPort: from.port,
    dstPort: to.port,
    tcpFlags,
    seq,
    ack,
    payloadLength,
    window: 1000,
  };
}

function host(settings: Partial<EndpointSettings> = {}, isn = 7_000_000): EndpointHost {
  const h = new EndpointHost({
    addresses: new Set(['10.0.0.2']),
    settings: { ...defaultEndpointSettings(), ...settings },
    initialSequence: () => isn,
  });
  h.addListener('0.0.0.0', 9000);
  return h;
}

/** Handshake at t=0: client ISN 100, server ISN 7000000. */
function connected(settings: Partial<EndpointSettings> = {}): EndpointHost {
  const h = host(settings);
  h.deliver(seg(SYN, 100), 0);
  h.deliver(seg(ACK, 101, 7_000_001), 1000);
  return h;
}

describe('EndpointHost routing', () => {
  it('answers a SYN to a closed port with RST+ACK and an ACK with RST seq=SEG.ACK', () => {
    const h = host();
    const closed = { ...seg(SYN, 100), dstPort: 81 };
    expect(h.deliver(closed, 0)).toMatchObject({
      socket: 'none',
      response: { kind: 'RST_ACK', ack: 101 },
    });
    expect(h.deliver({ ...seg(ACK, 5, 77), dstPort: 81 }, 0).response).toMatchObject({
      kind: 'RST',
      seq: 77,
    });
  });

  it('does not answer for addresses it does not own', () => {
    const h = host();
    const elsewhere = { ...seg(SYN, 1), dst: '10.9.9.9', dstPort: 81 };
    expect(h.deliver(elsewhere, 0).response.kind).toBe('NONE');
  });

  it('seed 001: an out-of-window packet that skipped REDIRECT reaches the listener and is reset', () => {
    const h = host();
    const d = h.deliver(seg(ACK | PSH, 3_000_000_000, 123_456_789, 1448), 5_000_000);
    expect(d).toMatchObject({ socket: 'listener', stateBefore: 'LISTEN', stateAfter: 'LISTEN' });
    expect(d.response).toMatchObject({ kind: 'RST', flags: RST, seq: 123_456_789 });
  });

  it('walks a connection through handshake, data, close and TIME-WAIT', () => {
    const h = host();
    expect(h.deliver(seg(SYN, 100), 0)).toMatchObject({
      stateAfter: 'SYN_RECV',
      response: { kind: 'SYN_ACK', seq: 7_000_000, ack: 101 },
    });
    expect(h.deliver(seg(ACK, 101, 7_000_001), 1000)).toMatchObject({
      stateBefore: 'SYN_RECV',
      stateAfter: 'ESTABLISHED',
    });
    expect(h.deliver(seg(ACK | PSH, 101, 7_000_001, 10), 2000).response).toMatchObject({
      kind: 'ACK',
      ack: 111,
    });
    expect(h.close(SERVER, CLIENT, { unreadBytes: 0 }, 3000)).toMatchObject({
      kind: 'FIN_ACK',
      seq: 7_000_001,
      ack: 111,
    });
    expect(h.deliver(seg(ACK, 111, 7_000_002), 4000)).toMatchObject({
      stateBefore: 'FIN_WAIT1',
      stateAfter: 'FIN_WAIT2',
    });
    expect(h.lookup(SERVER, CLIENT)).toMatchObject({ form: 'time-wait', state: 'FIN_WAIT2' });
    const fin = h.deliver(seg(FIN | ACK, 111, 7_000_002), 5000);
    expect(fin).toMatchObject({
      socket: 'time-wait',
      stateAfter: 'TIME_WAIT',
      response: { kind: 'ACK', seq: 7_000_002, ack: 112 },
    });
    const fired = h.advance(5000 + 60_000_000);
    expect(fired).toEqual([
      { atUs: 60_005_000, what: 'time-wait-end', local: '10.0.0.2:9000', remote: '10.0.0.1:40000' },
    ]);
    expect(h.lookup(SERVER, CLIENT)).toBeUndefined();
  });

  it('sends RST instead of FIN when close() leaves unread data', () => {
    const h = connected();
    h.deliver(seg(ACK | PSH, 101, 7_000_001, 37), 2000);
    const reply = h.close(SERVER, CLIENT, { unreadBytes: 37 }, 3000);
    expect(reply).toMatchObject({ kind: 'RST_ACK', flags: RST | ACK, seq: 7_000_001, ack: 138 });
    expect(h.lookup(SERVER, CLIENT)).toBeUndefined();
    expect(h.deliver(seg(ACK, 138, 7_000_001), 4000).response).toMatchObject({
      kind: 'RST',
      seq: 7_000_001,
    });
  });

  it('expires an orphaned FIN-WAIT-2 after tcp_fin_timeout; later segments meet the listener and get RST', () => {
    const h = connected({ finTimeoutSec: 30 });
    h.close(SERVER, CLIENT, { unreadBytes: 0 }, 1_000_000);
    h.deliver(seg(ACK, 101, 7_000_002), 1_000_100);
    expect(h.timers(1_000_100)).toContainEqual(
      expect.objectContaining({ what: 'fin-wait-2-end', atUs: 31_000_100 }),
    );
    const late = h.deliver(seg(ACK | PSH, 101, 7_000_002, 5), 40_000_000);
    expect(late.timersFired?.map((t) => t.what)).toEqual(['fin-wait-2-end']);
    expect(late).toMatchObject({ socket: 'listener', response: { kind: 'RST', seq: 7_000_002 } });
  });

  it('keeps a half-closed (shutdown) FIN-WAIT-2 socket with no timer; a new SYN on it gets a challenge ACK', () => {
    const h = connected();
    expect(h.shutdownWrite(SERVER, CLIENT, 2000).kind).toBe('FIN_ACK');
    h.deliver(seg(ACK, 101, 7_000_002), 3000);
    expect(h.timers(3000)).toEqual([]);
    const syn = h.deliver(seg(SYN, 999_999), 3_600_000_000);
    expect(syn).toMatchObject({
      socket: 'connection',
      stateBefore: 'FIN_WAIT2',
      response: { kind: 'CHALLENGE_ACK', seq: 7_000_002, ack: 101 },
    });
  });

  it('ends a passive close in LAST-ACK when our FIN is acknowledged', () => {
    const h = connected();
    h.deliver(seg(FIN | ACK, 101, 7_000_001), 2000);
    expect(h.close(SERVER, CLIENT, { unreadBytes: 0 }, 3000)).toMatchObject({
      kind: 'FIN_ACK',
      ack: 102,
    });
    expect(h.deliver(seg(ACK, 102, 7_000_002), 4000)).toMatchObject({
      stateBefore: 'LAST_ACK',
      stateAfter: 'CLOSED',
    });
    expect(h.lookup(SERVER, CLIENT)).toBeUndefined();
  });

  it('reopens TIME-WAIT for a SYN above RCV.NXT through the listener, with ISN = SND.NXT + 65537', () => {
    const activeClose = () => {
      const h = connected();
      h.close(SERVER, CLIENT, { unreadBytes: 0 }, 2000);
      h.deliver(seg(FIN | ACK, 101, 7_000_002), 3000);
      return h;
    };
    const h = activeClose();
    expect(h.lookup(SERVER, CLIENT)).toMatchObject({ state: 'TIME_WAIT' });
    const reuse = h.deliver(seg(SYN, 500_000), 10_000_000);
    expect(reuse).toMatchObject({
      socket: 'time-wait',
      stateBefore: 'TIME_WAIT',
      stateAfter: 'SYN_RECV',
    });
    expect(reuse.response).toMatchObject({ kind: 'SYN_ACK', seq: 7_000_002 + 65537, ack: 500_001 });
    const old = activeClose();
    expect(old.deliver(seg(SYN, 50), 10_000_000).response).toMatchObject({
      kind: 'ACK',
      seq: 7_000_002,
      ack: 102,
    });
  });

  it('probes with keepalive and resets after the last unanswered probe', () => {
    const h = connected();
    expect(h.setKeepalive(SERVER, CLIENT, { timeSec: 10, intervalSec: 2, probes: 2 })).toBe(true);
    expect(h.timers(1000).map((t) => [t.what, t.atUs])).toEqual([
      ['keepalive-probe', 10_001_000],
      ['keepalive-probe', 12_001_000],
      ['keepalive-reset', 14_001_000],
    ]);
    const fired = h.advance(20_000_000);
    expect(fired.map((t) => t.what)).toEqual([
      'keepalive-probe',
      'keepalive-probe',
      'keepalive-reset',
    ]);
    expect(fired[0]?.response).toMatchObject({ kind: 'ACK', seq: 7_000_000, ack: 101 });
    expect(fired[2]?.response).toMatchObject({ kind: 'RST_ACK', seq: 7_000_001, ack: 101 });
    expect(h.lookup(SERVER, CLIENT)).toBeUndefined();
  });

  it('what-if keepalive on every connection: handshakes and seeded rows get it', () => {
    const h = new EndpointHost({
      addresses: new Set(['10.0.0.2']),
      settings: defaultEndpointSettings(),
      initialSequence: () => 7_000_000,
      keepaliveOnAll: { timeSec: 30, intervalSec: 5, probes: 3 },
    });
    h.addListener('0.0.0.0', 9000);
    h.deliver(seg(SYN, 100), 0);
    h.deliver(seg(ACK, 101, 7_000_001), 1000);
    h.seed(
      {
        locator: { artifact: 'ss', line: 3 },
        protocol: 'tcp',
        state: 'ESTAB',
        recvQ: 0,
        sendQ: 0,
        local: { ip: '10.0.0.2', port: 9000 },
        peer: { ip: '10.0.0.9', port: 5 },
      },
      0,
    );
    expect(h.sockets().every((s) => s.keepalive)).toBe(true);
    expect(
      h
        .timers(0)
        .filter((t) => t.what === 'keepalive-reset')
        .map((t) => t.atUs),
    ).toEqual([45_000_000, 45_001_000]);
  });

  it('restarts keepalive when the peer answers a probe', () => {
    const h = connected();
    h.setKeepalive(SERVER, CLIENT, { timeSec: 10, intervalSec: 2, probes: 2 });
    h.advance(10_500_000);
    h.deliver(seg(ACK, 101, 7_000_001), 11_000_000);
    expect(h.timers(11_000_000)[0]).toMatchObject({ what: 'keepalive-probe', atUs: 21_000_000 });
  });

  it('learns its own side from outgoing packets: connect, then a challenge ACK from a stale peer gets RST', () => {
    const h = host();
    h.observeOutgoing(seg(SYN, 4000, 0, 0, true), 0);
    expect(h.lookup(SERVER, CLIENT)).toMatchObject({ state: 'SYN_SENT', sndNxt: 4001 });
    const challenge = h.deliver(seg(ACK, 88_888, 777_777), 1000);
    expect(challenge.response).toMatchObject({ kind: 'RST', seq: 777_777 });
    expect(h.deliver(seg(SYN | ACK, 90_000, 4001), 2000)).toMatchObject({
      stateAfter: 'ESTABLISHED',
      response: { ack: 90_001 },
    });
  });

  it('seeds from ss and learns sequence numbers from the first packets', () => {
    const h = new EndpointHost({
      addresses: new Set(['10.0.0.2']),
      settings: defaultEndpointSettings(),
    });
    h.seed(
      {
        locator: { artifact: 'ss', line: 2 },
        protocol: 'tcp',
        state: 'ESTAB',
        recvQ: 0,
        sendQ: 0,
        local: { ip: '10.0.0.2', port: 9000 },
        peer: { ip: '10.0.0.1', port: 40000 },
      },
      0,
    );
    const syn = h.deliver(seg(SYN, 1), 1000);
    expect(syn.response).toMatchObject({ kind: 'CHALLENGE_ACK', unknown: ['seq', 'ack'] });
    const data = h.deliver(seg(ACK | PSH, 5000, 9000, 10), 2000);
    expect(data.response).toMatchObject({ kind: 'ACK', seq: 9000, ack: 5010 });
    expect(data.note).toMatch(/unknown/);
  });

  it('lets a provisional row from a later listing give way to the handshake that opens it', () => {
    const h = host();
    const row = {
      locator: { artifact: 'ss', line: 2 },
      protocol: 'tcp' as const,
      state: 'ESTAB' as const,
      recvQ: 0,
      sendQ: 0,
      local: { ip: '10.0.0.2', port: 9000 },
      peer: { ip: '10.0.0.1', port: 40000 },
    };
    h.seed(row, 0, { provisional: true });
    const syn = h.deliver(seg(SYN, 100), 1000);
    expect(syn).toMatchObject({
      socket: 'listener',
      stateAfter: 'SYN_RECV',
      response: { kind: 'SYN_ACK' },
    });
    expect(syn.note).toMatch(/later connection/);
    // Without the flag the same row is a real socket: the SYN meets it.
    const firm = host();
    firm.seed(row, 0);
    expect(firm.deliver(seg(SYN, 100), 1000).response.kind).toBe('CHALLENGE_ACK');
  });

  it('accepts IPv4 peers on a dual-stack :: listener and IPv4-mapped addresses', () => {
    const h = new EndpointHost({
      addresses: new Set(['10.0.0.2']),
      settings: defaultEndpointSettings(),
    });
    h.addListener('::', 9000);
    expect(h.deliver({ ...seg(SYN, 1), dst: '::ffff:10.0.0.2' }, 0).response.kind).toBe('SYN_ACK');
    expect(h.owns('::ffff:10.0.0.2')).toBe(true);
    h.addListener('::', 9001, { v6only: true });
    expect(h.deliver({ ...seg(SYN, 1), dstPort: 9001 }, 0).response.kind).toBe('RST_ACK');
  });
});
