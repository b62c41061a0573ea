import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { netCountersParser } from './net-counters.parser.js';

const shared = (path: string) =>
  readFileSync(
    new URL(`../../detection/__fixtures__/net-counters/${path}`, import.meta.url),
    'utf8',
  );
const parse = (text: string) => parseText(netCountersParser, text, 'counters.txt');

describe('netCountersParser over real counter dumps', () => {
  it.each([
    ['netstat-s-client.txt', 45],
    ['netstat-s-server-listen-overflow-abort-on-close.txt', 47],
    ['nstat-az-client-first-120-lines.txt', 119],
    ['nstat-az-server.txt', 399],
    ['nstat-a-server.txt', 61],
    ['proc-net-snmp-server.txt', 84],
    ['proc-net-netstat-server.txt', 229],
    ['proc-net-snmp6-server.txt', 93],
  ])('reads %s without issues', (path, counters) => {
    const outcome = parse(shared(path));
    expect(outcome.issues).toEqual([]);
    expect(Object.keys(outcome.value.counters)).toHaveLength(counters);
  });

  it('gives netstat -s sentences the names nstat reads for the same kernel counters', () => {
    // Both taken in the same namespace, one right after the other.
    const prose = parse(shared('netstat-s-server-listen-overflow-abort-on-close.txt')).value
      .counters;
    const nstat = parse(shared('nstat-az-server.txt')).value.counters;
    for (const name of [
      'TcpPassiveOpens',
      'TcpEstabResets',
      'TcpOutRsts',
      'TcpExtListenOverflows',
      'TcpExtListenDrops',
      'TcpExtTCPAbortOnClose',
      'TcpExtTW',
      'TcpExtDelayedACKs',
      'TcpExtTCPPureAcks',
      'TcpExtTCPHPAcks',
      'TcpExtTCPHPHits',
      'IcmpInEchos',
      'IcmpOutEchoReps',
      'IcmpMsgInType8',
      'IpExtInOctets',
    ]) {
      expect(prose[name], name).toBeDefined();
      expect(prose[name], name).toBe(nstat[name]);
    }
    expect(prose).toMatchObject({
      TcpExtListenOverflows: 3,
      TcpExtListenDrops: 3,
      TcpExtTCPAbortOnClose: 3,
    });
    expect(Object.keys(prose).filter((name) => name.includes('.'))).toEqual([]);
  });

  it('reads the ICMP histograms of netstat -s', () => {
    const { value } = parse(shared('netstat-s-client.txt'));
    expect(value.counters).toMatchObject({
      IcmpOutDestUnreachs: 1,
      IcmpMsgOutType3: 1,
      IpForwarding: 2,
    });
  });

  it('pairs /proc/net/snmp and /proc/net/netstat rows under nstat names', () => {
    const snmp = parse(shared('proc-net-snmp-server.txt')).value.counters;
    expect(snmp).toMatchObject({
      TcpMaxConn: -1,
      TcpRtoMin: 200,
      TcpPassiveOpens: 12,
      TcpEstabResets: 3,
      UdpInDatagrams: 1,
    });
    const netstat = parse(shared('proc-net-netstat-server.txt'));
    expect(netstat.issues).toEqual([]);
    expect(netstat.value.counters).toMatchObject({
      TcpExtListenOverflows: 3,
      TcpExtListenDrops: 3,
      TcpExtTCPAbortOnClose: 3,
      TcpExtTCPAbortOnData: 0,
      IpExtInOctets: 176106,
    });
    expect(netstat.value.locator).toEqual({ artifact: 'counters.txt', line: 2 });
  });

  it('reads nstat and snmp6 name/value lines', () => {
    expect(parse(shared('nstat-az-server.txt')).value.counters).toMatchObject({
      IpInReceives: 72,
      TcpExtTCPAbortOnData: 0,
    });
    expect(parse(shared('proc-net-snmp6-server.txt')).value.counters).toMatchObject({
      Ip6InReceives: 17,
      Ip6InNoRoutes: 3,
    });
  });
});

describe('netCountersParser edge cases', () => {
  it('keeps sentences it has no name for under a normalised key', () => {
    const { value } = parse(
      'TcpExt:\n    7 TCP data loss events\n    Quick ack mode was activated 4 times\n    TCPBacklogDrop: 9\n',
    );
    expect(value.counters).toEqual({
      'TcpExt.tcp_data_loss_events': 7,
      TcpExtDelayedACKLost: 4,
      TcpExtTCPBacklogDrop: 9,
    });
  });

  it('reads nstat --json', () => {
    const { value, issues } = parse('{"kernel":{"IpInReceives":92,"TcpExtTCPAbortOnData":12}}\n');
    expect(issues).toEqual([]);
    expect(value.counters).toEqual({ IpInReceives: 92, TcpExtTCPAbortOnData: 12 });
  });

  it('reports values without their header row, indented lines without a section, and prose', () => {
    const outcome = parse(
      'Tcp: 1 2 3\n    5 resets sent\nnot a counter at all\nTcp: A B\nTcp: 1 2\n',
    );
    expect(outcome.value.counters).toEqual({ TcpA: 1, TcpB: 2 });
    expect(outcome.issues.map((issue) => issue.locator.line)).toEqual([1, 2, 3]);
  });

  it('honours maxItems over distinct counters', () => {
    const outcome = parseText(netCountersParser, 'A 1\nB 2\nC 3\n', 'n.txt', { maxItems: 2 });
    expect(outcome.value.counters).toEqual({ A: 1, B: 2 });
    expect(outcome.issues[0]).toMatchObject({ code: 'TOO_MANY_ITEMS', locator: { line: 3 } });
  });

  it('reads an nstat run that saw no change as an empty set without issues', () => {
    expect(parse('#kernel\n')).toMatchObject({
      status: 'parsed',
      issues: [],
      value: { counters: {} },
    });
  });
});
