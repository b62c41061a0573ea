import type { SocketSnapshot } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { defaultEndpointSettings } from './endpoint-settings.js';
import { seedFromSnapshot } from './socket-snapshot.seed.js';

const settings = defaultEndpointSettings();
const row = (extra: Partial<SocketSnapshot>): SocketSnapshot => ({
  locator: { artifact: 'ss.txt', line: 1 },
  protocol: 'tcp',
  state: 'ESTAB',
  recvQ: 0,
  sendQ: 0,
  local: { ip: '10.88.0.2', port: 7000 },
  peer: { ip: '10.88.0.1', port: 60716 },
  ...extra,
});

describe('seedFromSnapshot', () => {
  it('reads a wildcard LISTEN row as a dual-stack listener and a full accept queue from Recv-Q > Send-Q', () => {
    const seeded = seedFromSnapshot(
      row({
        state: 'LISTEN',
        recvQ: 2,
        sendQ: 1,
        local: { ip: '0.0.0.0', port: 7200 },
        peer: null,
      }),
      0,
      settings,
    );
    expect(seeded).toEqual({
      kind: 'listener',
      address: '::',
      port: 7200,
      v6only: false,
      backlogFull: true,
    });
  });

  it('seeds an established connection without sequence numbers, Recv-Q as unread bytes', () => {
    const seeded = seedFromSnapshot(
      row({ recvQ: 122_880, details: { wscale: '10,7' } }),
      5,
      settings,
    );
    expect(seeded.kind).toBe('socket');
    if (seeded.kind !== 'socket' || seeded.socket.kind !== 'full')
      throw new Error('expected a full socket');
    expect(seeded.socket).toMatchObject({
      state: 'ESTABLISHED',
      receivedBytes: 122_880,
      sndWscale: 10,
      rcvWscale: 7,
    });
    expect(seeded.socket.rcvNxt).toBeUndefined();
    expect(seeded.socket.rcvWindow).toBe(65535 * 128);
  });

  it('takes FIN-WAIT-2 with a timewait timer as an orphan in the small form, expiring when the timer says', () => {
    const seeded = seedFromSnapshot(
      row({ state: 'FIN-WAIT-2', timer: { name: 'timewait', expiresMs: 57_000 } }),
      1_000_000,
      settings,
    );
    expect(seeded).toMatchObject({
      kind: 'socket',
      socket: { kind: 'time-wait', substate: 'FIN_WAIT2', expiresUs: 58_000_000 },
    });
  });

  it('keeps a FIN-WAIT-2 without timer as a full socket the application still holds', () => {
    const seeded = seedFromSnapshot(row({ state: 'FIN-WAIT-2' }), 0, settings);
    expect(seeded).toMatchObject({
      kind: 'socket',
      socket: { kind: 'full', state: 'FIN_WAIT2', orphan: false },
    });
  });

  it('turns a keepalive timer into keepalive with the next probe where ss puts it', () => {
    const seeded = seedFromSnapshot(
      row({ timer: { name: 'keepalive', expiresMs: 7_196_490 } }),
      10_000_000,
      settings,
    );
    if (seeded.kind !== 'socket' || seeded.socket.kind !== 'full')
      throw new Error('expected a full socket');
    expect(seeded.socket.keepalive).toEqual(settings.keepalive);
    expect(seeded.socket.lastReceivedUs + settings.keepalive.timeSec * 1_000_000).toBe(
      10_000_000 + 7_196_490_000,
    );
  });

  it('skips what it cannot model', () => {
    expect(seedFromSnapshot(row({ protocol: 'udp', state: 'UNCONN' }), 0, settings).kind).toBe(
      'skipped',
    );
    expect(seedFromSnapshot(row({ state: 'SYN-RECV' }), 0, settings).kind).toBe('skipped');
  });
});
