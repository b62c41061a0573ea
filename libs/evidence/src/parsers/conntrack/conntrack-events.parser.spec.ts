import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { conntrackEventsParser } from './conntrack-events.parser.js';

const shared = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');
const local = (path: string) =>
  readFileSync(new URL(`./__fixtures__/${path}`, import.meta.url), 'utf8');
const parse = (text: string) => parseText(conntrackEventsParser, text, 'events.txt');
const at = <T extends { locator: { line?: number } }>(events: readonly T[], line: number) =>
  events.find((event) => event.locator.line === line);

describe('conntrackEventsParser over real conntrack -E output', () => {
  it.each([
    [shared('conntrack-events/E.txt'), 98],
    [shared('conntrack-events/E-timestamp.txt'), 98],
    [shared('conntrack-events/E-extended-timestamp.txt'), 98],
    [shared('conntrack-events/E-timestamp-id-client-dnat.txt'), 103],
    [shared('conntrack-events/E-ipv6-new-destroy-with-summary.txt'), 4],
    [shared('conntrack-events/conntrack-1.4.4-timestamp-destroy-without-timeout.txt'), 10],
    [local('E-timestamp-acct-icmp.txt'), 91],
    [local('E-extended-timestamp-id-ktimestamp.txt'), 91],
  ])('reads every event of capture #%# without issues', (text, events) => {
    const outcome = parse(text);
    expect(outcome.issues).toEqual([]);
    expect(outcome.value).toHaveLength(events);
  });

  it('reads a connection’s lifecycle with exact microsecond times', () => {
    const { value } = parse(shared('conntrack-events/E-timestamp.txt'));
    expect(
      value.slice(0, 6).map((event) => [event.type, event.tcpState, event.timeoutSec]),
    ).toEqual([
      ['NEW', 'SYN_SENT', 120],
      ['UPDATE', 'SYN_RECV', 60],
      ['UPDATE', 'ESTABLISHED', 432000],
      ['UPDATE', 'FIN_WAIT', 120],
      ['UPDATE', 'LAST_ACK', 30],
      ['UPDATE', 'TIME_WAIT', 120],
    ]);
    expect(value[0]).toEqual({
      locator: { artifact: 'events.txt', line: 1 },
      type: 'NEW',
      timeUs: 1_795_304_774_717_708,
      family: 'ipv4',
      protocol: 'tcp',
      protocolNumber: 6,
      timeoutSec: 120,
      tcpState: 'SYN_SENT',
      original: { src: '10.77.0.1', dst: '10.77.0.2', srcPort: 43588, dstPort: 80 },
      reply: { src: '10.77.0.2', dst: '10.77.0.1', srcPort: 8080, dstPort: 43588 },
      assured: false,
      unreplied: true,
    });
    expect(value[2]?.assured).toBe(true);
  });

  it('reads plain -E output without times', () => {
    const { value } = parse(shared('conntrack-events/E.txt'));
    expect(value[0]).toMatchObject({ type: 'NEW', timeUs: undefined, tcpState: 'SYN_SENT' });
  });

  it('reads 1.4.4 DESTROY events without timeout or state, and an idle flow re-NATed', () => {
    const { value } = parse(
      shared('conntrack-events/conntrack-1.4.4-timestamp-destroy-without-timeout.txt'),
    );
    expect(at(value, 6)).toMatchObject({
      type: 'DESTROY',
      timeUs: 1_768_471_861_104_902,
      timeoutSec: undefined,
      tcpState: undefined,
      assured: true,
      reply: { src: '10.244.2.9' },
    });
    // The same client port, picked up mid-stream as ESTABLISHED, now answered by another pod.
    expect(at(value, 7)).toMatchObject({
      type: 'NEW',
      tcpState: 'ESTABLISHED',
      unreplied: true,
      original: { srcPort: 40118, dst: '10.96.0.10' },
      reply: { src: '10.244.2.14' },
    });
    expect(at(value, 10)).toMatchObject({
      type: 'DESTROY',
      protocol: 'udp',
      timeoutSec: undefined,
    });
  });

  it('reads ids, [USERSPACE] destroys, IPv6 and the stderr summary', () => {
    const dnat = parse(shared('conntrack-events/E-timestamp-id-client-dnat.txt')).value;
    expect(at(dnat, 47)).toMatchObject({
      type: 'NEW',
      id: 1114247421,
      original: { dst: '10.77.0.3' },
    });
    const ipv6 = parse(shared('conntrack-events/E-ipv6-new-destroy-with-summary.txt')).value;
    expect(at(ipv6, 4)).toMatchObject({
      type: 'DESTROY',
      family: 'ipv6',
      timeoutSec: 431994,
      original: { src: 'fd77::1', srcPort: 49450 },
    });
  });

  it('reads ICMP tuples, counters on DESTROY and ktimestamp brackets with spaces', () => {
    const { value } = parse(local('E-extended-timestamp-id-ktimestamp.txt'));
    expect(at(value, 27)).toMatchObject({
      type: 'NEW',
      protocol: 'icmp',
      original: { icmp: { type: 8, code: 0, id: 119 } },
      reply: { icmp: { type: 0, code: 0, id: 119 } },
      id: 4121412443,
    });
    expect(at(value, 85)).toMatchObject({
      type: 'DESTROY',
      tcpState: 'ESTABLISHED',
      counters: { original: { packets: 28, bytes: 173496 }, reply: { packets: 19, bytes: 996 } },
      id: 2068462193,
    });
    expect(at(value, 1)).toMatchObject({ mark: 42, id: 1132856536 });
  });
});

describe('conntrackEventsParser edge cases', () => {
  const event =
    '[1795304774.717708]\t    [NEW] tcp      6 120 SYN_SENT src=10.77.0.1 dst=10.77.0.2 sport=43588 dport=80 [UNREPLIED] src=10.77.0.2 dst=10.77.0.1 sport=8080 dport=43588';

  it('reports lost events and tool errors, and reads around them', () => {
    const outcome = parse(
      `${event}\nWARNING: We have hit ENOBUFS! We are losing events.\nNOTICE: Netlink socket buffer size has been set to 2097152 bytes.\n${event}\n`,
    );
    expect(outcome.value).toHaveLength(2);
    expect(outcome.issues).toEqual([
      expect.objectContaining({
        code: 'EVENTS_LOST',
        locator: { artifact: 'events.txt', line: 2 },
      }),
    ]);
  });

  it('reads a timestamp whose microseconds were not zero-filled', () => {
    const { value } = parse(
      '[1795304774.5   ]\t [UPDATE] udp 17 30 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=53 src=10.0.0.2 dst=10.0.0.1 sport=53 dport=1\n',
    );
    expect(value[0]?.timeUs).toBe(1_795_304_774_500_000);
  });

  it('calls an entry without an event type unreadable', () => {
    const outcome = parse(
      'tcp 6 10 CLOSE src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1\n',
    );
    expect(outcome.issues[0]).toMatchObject({ code: 'UNPARSEABLE_LINE', locator: { line: 1 } });
  });

  it.each([
    [
      '[1795304774]\t[NEW] tcp 6 1 CLOSE src=1.1.1.1 dst=1.1.1.2 sport=1 dport=2 src=1.1.1.2 dst=1.1.1.1 sport=2 dport=1',
      /timestamp/,
    ],
    [
      '[OLD] tcp 6 1 CLOSE src=1.1.1.1 dst=1.1.1.2 sport=1 dport=2 src=1.1.1.2 dst=1.1.1.1 sport=2 dport=1',
      /event type/,
    ],
    ['[NEW] tcp x 1 CLOSE src=1.1.1.1 dst=1.1.1.2', /protocol number/],
    [
      '[NEW] tcp 6 1 CLOSE src=1.1.1.1 dst=1.1.1.2 sport=1 dport=2 src=1.1.1.2 dst=1.1.1.1 sport=2 dport=1 src=1.1.1.3',
      /two tuples/,
    ],
    ['[NEW] tcp 6 1 CLOSE dst=1.1.1.2 src=1.1.1.1', /dst before src/],
    ['[NEW] tcp 6 1 CLOSE src=1.1.1.1 dst=1.1.1.2 [ASSURED', /unclosed/],
  ])('names the problem in %s', (line, problem) => {
    expect(parse(line).issues[0]?.message).toMatch(problem);
  });

  it('keeps maxItems events and counts the rest', () => {
    const outcome = parseText(conntrackEventsParser, `${event}\n`.repeat(4), 'e.txt', {
      maxItems: 1,
    });
    expect(outcome.value).toHaveLength(1);
    expect(outcome.issues[0]).toMatchObject({
      code: 'TOO_MANY_ITEMS',
      locator: { line: 2 },
      message: '3 events beyond the limit of 1 were counted, not kept',
    });
  });

  it('gives every event of a kind the same property layout', () => {
    const { value } = parse(shared('conntrack-events/E-timestamp-id-client-dnat.txt'));
    const layouts = new Set(value.map((e) => Object.keys(e).join(',')));
    expect(layouts.size).toBe(1);
  });
});
