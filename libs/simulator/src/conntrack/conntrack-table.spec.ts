import type { ConntrackEntry, Packet } from '@netmortem/domain';
import { NetmortemError } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { ConntrackTable, type TrackVerdict } from './conntrack-table.js';
import { kernelProfileById } from './kernel-profile.js';
import { type ConntrackSettings, DEFAULT_CONNTRACK_SETTINGS } from './settings.js';
import { SyntheticTcpFlow } from './synthetic-packet.js';

const SEC = 1_000_000;

function newTable(overrides: Partial<ConntrackSettings> = {}): ConntrackTable {
  return new ConntrackTable({
    settings: { ...DEFAULT_CONNTRACK_SETTINGS, ...overrides },
    profile: kernelProfileById('6.2+'),
  });
}

function pass(table: ConntrackTable, packet: Packet, nowUs = 0): TrackVerdict {
  const verdict = table.track(packet, nowUs);
  if (verdict.created && verdict.entry) table.confirm(verdict.entry, nowUs);
  return verdict;
}

function clientFlow(port: number): SyntheticTcpFlow {
  return new SyntheticTcpFlow({ address: '10.0.0.1', port }, { address: '10.0.0.2', port: 80 });
}

function establish(table: ConntrackTable, flow: SyntheticTcpFlow, t = 0): TrackVerdict {
  pass(table, flow.fromClient('S', 1000), t);
  pass(table, flow.fromServer('S.', 5000, 1001), t);
  return pass(table, flow.fromClient('.', 1001, 5001), t);
}

function udp(src: string, srcPort: number, dst: string, dstPort: number, timeUs = 0): Packet {
  return {
    locator: { artifact: 'synthetic', packet: 1 },
    timeUs,
    timeSubUsNs: 0,
    ipVersion: 4,
    src,
    dst,
    ttl: 64,
    protocol: 17,
    srcPort,
    dstPort,
    payloadLength: 40,
    capturedLength: 68,
    originalLength: 68,
  };
}

describe('ConntrackTable: lookup, confirmation and timers', () => {
  it('an unconfirmed entry is not in the table until confirmed; discard drops it', () => {
    const table = newTable();
    const flow = clientFlow(40000);
    const syn = table.track(flow.fromClient('S', 1000), 0);
    expect(syn.created).toBe(true);
    expect(table.size).toBe(0);
    table.discard(syn.entry!);
    // The retransmitted SYN of a dropped first SYN creates again.
    const again = table.track(flow.fromClient('S', 1000), SEC);
    expect(again.created).toBe(true);
    expect(table.confirm(again.entry!, SEC)).toEqual({ inserted: true });
    expect(table.size).toBe(1);
    expect([...table.entries()].map((e) => e.id)).toEqual([again.entry!.id]);
  });

  it('expire() returns entries whose timer ran out, with the timer that armed it', () => {
    const table = newTable();
    const flow = clientFlow(40001);
    const syn = pass(table, flow.fromClient('S', 1000), 0);
    expect(table.expire(119 * SEC)).toEqual([]);
    const expired = table.expire(120 * SEC);
    expect(expired).toEqual([{ entry: syn.entry, atUs: 120 * SEC, timer: 'SYN_SENT' }]);
    expect(table.size).toBe(0);
    const next = pass(table, flow.fromClient('S', 1000), 121 * SEC);
    expect(next.created).toBe(true);
  });

  it('follows timers that move later and earlier (refresh, then a close)', () => {
    const table = newTable();
    const flow = clientFlow(40002);
    const entry = establish(table, flow, 0).entry!;
    expect(table.expire(200 * SEC)).toEqual([]);
    pass(table, flow.fromServer('R', 5001), 1000 * SEC);
    expect(entry.timerState).toBe('CLOSE');
    expect(table.expire(1009 * SEC)).toEqual([]);
    expect(table.expire(1010 * SEC).map((e) => [e.entry.id, e.timer])).toEqual([
      [entry.id, 'CLOSE'],
    ]);
  });

  it('a packet that meets an entry whose timer ran out gets a fresh entry and reports the dead one', () => {
    const table = newTable({ tcp: { ...DEFAULT_CONNTRACK_SETTINGS.tcp, established: 100 } });
    const flow = clientFlow(40003);
    const old = establish(table, flow, 0).entry!;
    // An idle flow's next data segment after the entry expired: picked up as a new flow.
    const late = pass(table, flow.fromClient('P.', 1001, 5001, { payload: 10 }), 500 * SEC);
    expect(late.expired?.map((e) => e.entry.id)).toEqual([old.id]);
    expect(late).toMatchObject({ ctinfo: 'NEW', created: true, stateAfter: 'ESTABLISHED' });
  });

  it('untracked packets bypass the table', () => {
    const table = newTable();
    expect(table.track(clientFlow(40004).fromClient('S', 1), 0, { untracked: true })).toEqual({
      ctinfo: 'UNTRACKED',
      created: false,
    });
    expect(table.size).toBe(0);
  });
});

describe('ConntrackTable: observed deletions', () => {
  it('destroy and flush remove entries; the next packet starts over', () => {
    const table = newTable();
    const a = establish(table, clientFlow(40300)).entry!;
    establish(table, clientFlow(40301));
    expect(table.destroy(a)).toBe(true);
    expect(table.destroy(a)).toBe(false);
    expect(table.size).toBe(1);
    // After conntrack -D the next data segment is picked up as a new flow (loose=1).
    const next = pass(table, clientFlow(40300).fromClient('.', 1001, 5001));
    expect(next).toMatchObject({ ctinfo: 'NEW', created: true });
    expect(table.flush()).toHaveLength(2);
    expect(table.size).toBe(0);
  });
});

describe('ConntrackTable: NAT reply binding', () => {
  it('after setReply the reply-direction packets are found by the translated tuple', () => {
    const table = newTable();
    const client = { address: '10.0.0.1', port: 40100 };
    const toVip = new SyntheticTcpFlow(client, { address: '10.96.0.10', port: 80 });
    const fromBackend = new SyntheticTcpFlow(client, { address: '10.1.1.5', port: 8080 });
    const syn = table.track(toVip.fromClient('S', 1000), 0);
    table.setReply(
      syn.entry!,
      { protocol: 6, src: '10.1.1.5', srcPort: 8080, dst: '10.0.0.1', dstPort: 40100 },
      { kind: 'DNAT', rule: 'KUBE-SEP-X' },
    );
    table.confirm(syn.entry!, 0);
    const synAck = table.track(fromBackend.fromServer('S.', 5000, 1001), 0);
    expect(synAck).toMatchObject({
      ctinfo: 'ESTABLISHED',
      direction: 'reply',
      entry: syn.entry,
      stateAfter: 'SYN_RECV',
    });
    expect(syn.entry?.nat).toEqual({ kind: 'DNAT', rule: 'KUBE-SEP-X' });
    // The VIP itself never answers: a SYN-ACK from it has no entry and cannot open one.
    expect(table.track(toVip.fromServer('S.', 5000, 1001), 0).ctinfo).toBe('INVALID');
    expect(() => table.setReply(syn.entry!, syn.entry!.reply, undefined)).toThrow(NetmortemError);
  });

  it('moves the source port of a DNAT entry whose reply tuple is taken, when given randomness', () => {
    const client = { address: '10.0.0.1', port: 40150 };
    const backend = { address: '10.1.1.5', port: 8080 };
    const vip = { address: '10.96.0.10', port: 80 };
    for (const random of [undefined, () => 0.25]) {
      const table = new ConntrackTable({
        settings: DEFAULT_CONNTRACK_SETTINGS,
        profile: kernelProfileById('6.2+'),
        ...(random ? { random } : {}),
      });
      // The backend's packet to the client was picked up first: it holds backend -> client.
      const picked = pass(
        table,
        new SyntheticTcpFlow(client, backend).fromServer('P.', 5000, 7000, { payload: 10 }),
      );
      expect(picked.created).toBe(true);
      const syn = table.track(new SyntheticTcpFlow(client, vip).fromClient('S', 1), 0);
      table.setReply(
        syn.entry!,
        {
          protocol: 6,
          src: backend.address,
          srcPort: backend.port,
          dst: client.address,
          dstPort: client.port,
        },
        { kind: 'DNAT' },
      );
      const result = table.confirm(syn.entry!, 0);
      if (random === undefined) {
        expect(result).toEqual({ inserted: false, reason: 'clash' });
        continue;
      }
      // Start at 1024 + (0.25 * 65536) % 64512 = 17408: free, so taken as is.
      expect(result).toEqual({ inserted: true, rebound: { ...syn.entry!.reply, dstPort: 17_408 } });
      expect(syn.entry?.nat?.kind).toBe('BOTH');
      expect(table.size).toBe(2);
    }
  });

  it('confirm reports a clash when another entry took the tuple meanwhile', () => {
    const table = newTable();
    const flow = clientFlow(40101);
    const first = table.track(flow.fromClient('S', 1000), 0);
    const second = table.track(flow.fromClient('S', 1000), 0);
    expect(table.confirm(first.entry!, 0)).toEqual({ inserted: true });
    expect(table.confirm(second.entry!, 0)).toEqual({ inserted: false, reason: 'clash' });
  });
});

describe('ConntrackTable: nf_conntrack_max', () => {
  it('evicts the oldest non-assured entry to make room', () => {
    const table = newTable({ max: 2 });
    const a = pass(table, clientFlow(1).fromClient('S', 1), 0).entry!;
    pass(table, clientFlow(2).fromClient('S', 1), 0);
    const third = pass(table, clientFlow(3).fromClient('S', 1), 0);
    expect(third.created).toBe(true);
    expect(third.earlyDropped).toBe(a);
    expect(table.size).toBe(2);
  });

  it('drops the new packet when every entry is assured', () => {
    const table = newTable({ max: 2 });
    establish(table, clientFlow(11));
    establish(table, clientFlow(12));
    const refused = pass(table, clientFlow(13).fromClient('S', 1), 0);
    expect(refused).toMatchObject({
      ctinfo: 'INVALID',
      created: false,
      dropped: 'table-full',
      invalidReason: 'table full, dropping packet',
    });
    expect(table.size).toBe(2);
  });
});

describe('ConntrackTable: seeding from conntrack -L', () => {
  const observed: ConntrackEntry = {
    locator: { artifact: 'conntrack.txt', line: 3 },
    family: 'ipv4',
    protocol: 'tcp',
    protocolNumber: 6,
    timeoutSec: 431_990,
    tcpState: 'ESTABLISHED',
    original: { src: '10.0.0.1', dst: '10.96.0.10', srcPort: 40200, dstPort: 80 },
    reply: { src: '10.1.1.5', dst: '10.0.0.1', srcPort: 8080, dstPort: 40200 },
    assured: true,
    unreplied: false,
    mark: 0x4000,
  };

  it('anchors state, timer, flags, mark and NAT, and matches later packets in both directions', () => {
    const table = newTable();
    const entry = table.seed(observed, 10 * SEC);
    expect(entry).toMatchObject({
      tcpState: 'ESTABLISHED',
      assured: true,
      seenReply: true,
      mark: 0x4000,
      confirmed: true,
    });
    expect(entry.nat?.kind).toBe('DNAT');
    expect(entry.expiresUs).toBe(10 * SEC + 431_990 * SEC);
    const fromBackend = new SyntheticTcpFlow(
      { address: '10.0.0.1', port: 40200 },
      { address: '10.1.1.5', port: 8080 },
    );
    const reply = table.track(
      fromBackend.fromServer('P.', 777_000, 333_000, { payload: 100 }),
      11 * SEC,
    );
    expect(reply).toMatchObject({
      ctinfo: 'ESTABLISHED',
      direction: 'reply',
      entry,
      stateAfter: 'ESTABLISHED',
    });
    const toVip = new SyntheticTcpFlow(
      { address: '10.0.0.1', port: 40200 },
      { address: '10.96.0.10', port: 80 },
    );
    const ack = table.track(toVip.fromClient('.', 333_000, 777_100), 12 * SEC);
    expect(ack).toMatchObject({ ctinfo: 'ESTABLISHED', direction: 'original', entry });
  });

  it('an UNREPLIED seed keeps original-direction packets NEW', () => {
    const table = newTable();
    table.seed(
      { ...observed, tcpState: 'SYN_SENT', unreplied: true, assured: false, timeoutSec: 100 },
      0,
    );
    const toVip = new SyntheticTcpFlow(
      { address: '10.0.0.1', port: 40200 },
      { address: '10.96.0.10', port: 80 },
    );
    expect(table.track(toVip.fromClient('S', 1000), SEC).ctinfo).toBe('NEW');
  });

  it('a SYN reopens a seeded TIME_WAIT entry (its FIN is implied by the state)', () => {
    const table = newTable();
    const seeded = table.seed({ ...observed, tcpState: 'TIME_WAIT', timeoutSec: 100 }, 0);
    const toVip = new SyntheticTcpFlow(
      { address: '10.0.0.1', port: 40200 },
      { address: '10.96.0.10', port: 80 },
    );
    const syn = table.track(toVip.fromClient('S', 1000), SEC);
    expect(syn).toMatchObject({ ctinfo: 'NEW', created: true, replaced: seeded });
  });

  it('replaces what the model held for the same tuple', () => {
    const table = newTable();
    const first = table.seed(observed, 0);
    const second = table.seed({ ...observed, timeoutSec: 50 }, 0);
    expect(table.size).toBe(1);
    expect([...table.entries()]).toEqual([second]);
    expect(second.id).not.toBe(first.id);
  });
});

describe('ConntrackTable: UDP and ICMP', () => {
  it('UDP is NEW until a reply, then ESTABLISHED; traffic after 2 s makes it a stream', () => {
    const table = newTable();
    const query = pass(table, udp('10.0.0.1', 5353, '10.0.0.53', 53), 0);
    expect(query).toMatchObject({ ctinfo: 'NEW', created: true });
    expect(query.entry?.timerState).toBe('UDP');
    expect(pass(table, udp('10.0.0.1', 5353, '10.0.0.53', 53), 0).ctinfo).toBe('NEW');
    const answer = pass(table, udp('10.0.0.53', 53, '10.0.0.1', 5353), 100);
    expect(answer).toMatchObject({ ctinfo: 'ESTABLISHED', direction: 'reply' });
    expect(answer.entry?.expiresUs).toBe(100 + 30 * SEC);
    const soon = pass(table, udp('10.0.0.1', 5353, '10.0.0.53', 53), SEC);
    expect(soon.entry?.timerState).toBe('UDP');
    const later = pass(table, udp('10.0.0.1', 5353, '10.0.0.53', 53), 3 * SEC);
    expect(later.entry).toMatchObject({
      timerState: 'UDP_STREAM',
      assured: true,
      expiresUs: 3 * SEC + 120 * SEC,
    });
  });

  it('an ICMP error quoting a tracked packet is RELATED to its entry; INVALID otherwise', () => {
    const table = newTable();
    const entry = pass(table, udp('10.0.0.1', 5353, '10.0.0.9', 9999), 0).entry!;
    const unreachable = (srcPort: number): Packet => ({
      ...udp('10.0.0.9', 0, '10.0.0.1', 0),
      protocol: 1,
      srcPort: undefined,
      dstPort: undefined,
      icmp: {
        type: 3,
        code: 3,
        name: 'port-unreachable',
        quoted: {
          ipVersion: 4,
          src: '10.0.0.1',
          dst: '10.0.0.9',
          protocol: 17,
          srcPort,
          dstPort: 9999,
        },
      },
    });
    const related = table.track(unreachable(5353), SEC);
    expect(related).toMatchObject({ ctinfo: 'RELATED', direction: 'reply', entry, created: false });
    expect(table.track(unreachable(5354), SEC).ctinfo).toBe('INVALID');
  });

  it('ICMP echo opens an entry the reply matches; a lone echo reply is INVALID', () => {
    const table = newTable();
    const echo = (src: string, dst: string, type: number): Packet => ({
      ...udp(src, 0, dst, 0),
      protocol: 1,
      srcPort: undefined,
      dstPort: undefined,
      icmp: { type, code: 0, name: type === 8 ? 'echo-request' : 'echo-reply' },
    });
    expect(pass(table, echo('10.0.0.1', '10.0.0.2', 0)).ctinfo).toBe('INVALID');
    expect(pass(table, echo('10.0.0.1', '10.0.0.2', 8)).ctinfo).toBe('NEW');
    expect(pass(table, echo('10.0.0.2', '10.0.0.1', 0))).toMatchObject({
      ctinfo: 'ESTABLISHED',
      direction: 'reply',
    });
  });
});
