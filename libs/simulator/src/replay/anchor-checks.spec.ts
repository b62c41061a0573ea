import type { ConntrackEntry, SocketSnapshot } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import {
  ConntrackTable,
  DEFAULT_CONNTRACK_SETTINGS,
  kernelProfileById,
} from '../conntrack/index.js';
import { syntheticTcpPacket } from '../conntrack/synthetic-packet.js';
import { tupleKey } from '../model/index.js';
import { listingDisagreements, socketDisagreements } from './anchor-checks.js';
import { ReplayStep } from './replay-step.js';

const listed = (state: ConntrackEntry['tcpState'], backend: string): ConntrackEntry => ({
  locator: { artifact: 'conntrack-L.txt', line: 4 },
  family: 'ipv4',
  protocol: 'tcp',
  protocolNumber: 6,
  tcpState: state,
  original: { src: '10.0.0.1', dst: '10.96.0.1', srcPort: 4000, dstPort: 80 },
  reply: { src: backend, dst: '10.0.0.1', srcPort: 8080, dstPort: 4000 },
  assured: true,
  unreplied: false,
});

describe('listingDisagreements', () => {
  it('compares a listing with the end state of flows the replay tracked, and only those', () => {
    const table = new ConntrackTable({
      settings: DEFAULT_CONNTRACK_SETTINGS,
      profile: kernelProfileById('6.2+'),
    });
    const entry = table.seed(listed('ESTABLISHED', '10.244.1.1'), 0);
    const key = tupleKey(entry.original);
    const live = new Map([[key, entry]]);
    expect(
      listingDisagreements([listed('ESTABLISHED', '10.244.1.1')], new Set([key]), live, 5),
    ).toEqual([]);
    const [wrong] = listingDisagreements(
      [listed('TIME_WAIT', '10.244.2.2')],
      new Set([key]),
      live,
      5,
    );
    expect(wrong?.note).toBe(
      'conntrack-L.txt:4 shows 10.0.0.1:4000 > 10.96.0.1:80 with reply 10.244.2.2:8080 (replay: 10.244.1.1:8080) and state TIME_WAIT (replay: ESTABLISHED, at the end of the capture)',
    );
    expect(listingDisagreements([listed('TIME_WAIT', '10.244.2.2')], new Set(), live, 5)).toEqual(
      [],
    );
    const [gone] = listingDisagreements(
      [listed('ESTABLISHED', '10.244.1.1')],
      new Set([key]),
      new Map(),
      5,
    );
    expect(gone?.note).toMatch(/still lists .* in ESTABLISHED; the replay's entry for it is gone$/);
  });
});

describe('socketDisagreements', () => {
  it('names an ss connection the replay’s socket holds in another state', () => {
    const socket: SocketSnapshot = {
      locator: { artifact: 'ss.txt', line: 3 },
      protocol: 'tcp',
      state: 'FIN-WAIT-2',
      recvQ: 0,
      sendQ: 0,
      local: { ip: '::ffff:10.0.0.2', port: 80 },
      peer: { ip: '::ffff:10.0.0.1', port: 4000 },
    };
    const step = new ReplayStep(
      syntheticTcpPacket({
        src: '10.0.0.1',
        dst: '10.0.0.2',
        srcPort: 4000,
        dstPort: 80,
        flags: '.',
        seq: 1,
      }),
    );
    step.delivery = { socket: 'connection', local: { ip: '10.0.0.2', port: 80 } };
    const [found] = socketDisagreements([socket], [step], () => 'ESTABLISHED', 9);
    expect(found?.note).toBe(
      "ss.txt:3 shows 10.0.0.2:80 <-> 10.0.0.1:4000 in FIN-WAIT-2; the replay's socket is ESTABLISHED at the end of the capture",
    );
    expect(socketDisagreements([socket], [step], () => 'FIN_WAIT2', 9)).toEqual([]);
    expect(socketDisagreements([socket], [], () => 'ESTABLISHED', 9)).toEqual([]);
  });
});
