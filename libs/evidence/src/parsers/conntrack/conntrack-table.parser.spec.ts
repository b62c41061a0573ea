import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { conntrackTableParser } from './conntrack-table.parser.js';

const shared = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');
const local = (path: string) =>
  readFileSync(new URL(`./__fixtures__/${path}`, import.meta.url), 'utf8');
const parse = (text: string) => parseText(conntrackTableParser, text, 'ct.txt');
const at = <T extends { locator: { line?: number } }>(entries: readonly T[], line: number) =>
  entries.find((entry) => entry.locator.line === line);

describe('conntrackTableParser over real listings', () => {
  it.each([
    [shared('conntrack-table/L-server-redirect.txt'), 18],
    [shared('conntrack-table/L-client-dnat-with-summary.txt'), 18],
    [shared('conntrack-table/L-extended-with-summary.txt'), 18],
    [shared('conntrack-table/L-ipv6.txt'), 3],
    [shared('conntrack-table/L-id.txt'), 18],
    [shared('conntrack-table/proc-nf_conntrack-client.txt'), 18],
    [shared('conntrack-table/proc-nf_conntrack-server.txt'), 18],
    [local('L-acct-mark-zone-icmp.txt'), 19],
    [local('L-extended-id-acct-summary-inside-entry.txt'), 19],
    [local('proc-nf_conntrack-acct-zone-icmp.txt'), 19],
  ])('reads every entry of listing #%# without issues', (text, entries) => {
    const outcome = parse(text);
    expect(outcome.issues).toEqual([]);
    expect(outcome.value).toHaveLength(entries);
  });

  it('reads a REDIRECTed flow: the reply comes from the proxy port', () => {
    const { value } = parse(shared('conntrack-table/L-server-redirect.txt'));
    expect(at(value, 2)).toEqual({
      locator: { artifact: 'ct.txt', line: 2 },
      family: 'ipv4',
      protocol: 'tcp',
      protocolNumber: 6,
      timeoutSec: 117,
      tcpState: 'TIME_WAIT',
      original: { src: '10.77.0.1', dst: '10.77.0.2', srcPort: 40386, dstPort: 80 },
      reply: { src: '10.77.0.2', dst: '10.77.0.1', srcPort: 8080, dstPort: 40386 },
      assured: true,
      unreplied: false,
      mark: 0,
      use: 1,
    });
  });

  it('reads DNAT to a service VIP, an unanswered SYN and UDP', () => {
    const { value } = parse(shared('conntrack-table/L-client-dnat-with-summary.txt'));
    expect(at(value, 9)).toMatchObject({
      tcpState: 'CLOSE_WAIT',
      timeoutSec: 51,
      original: { dst: '10.96.0.20', dstPort: 80 },
      reply: { src: '10.77.0.2', srcPort: 15006 },
    });
    expect(at(value, 14)).toMatchObject({ tcpState: 'SYN_SENT', unreplied: true, assured: false });
    expect(at(value, 2)).toMatchObject({
      protocol: 'udp',
      protocolNumber: 17,
      timeoutSec: 24,
      tcpState: undefined,
      unreplied: true,
    });
  });

  it('reads the -o extended prefix, ids and canonicalises /proc IPv6', () => {
    const extended = parse(shared('conntrack-table/L-extended-with-summary.txt')).value;
    expect(extended.filter((entry) => entry.family === 'ipv6')).toHaveLength(3);
    expect(at(parse(shared('conntrack-table/L-id.txt')).value, 2)?.id).toBe(1721282449);
    const proc = parse(shared('conntrack-table/proc-nf_conntrack-server.txt')).value;
    expect(at(proc, 5)).toMatchObject({
      family: 'ipv6',
      original: { src: 'fd77::1', dst: 'fd77::2', srcPort: 35654, dstPort: 8080 },
      reply: { src: 'fd77::2', dst: 'fd77::1' },
      zone: 0,
      use: 2,
    });
  });

  it('reads accounting counters, marks, zones and ICMP tuples', () => {
    const { value } = parse(local('proc-nf_conntrack-acct-zone-icmp.txt'));
    expect(at(value, 9)).toMatchObject({
      protocol: 'udp',
      zone: 7,
      unreplied: true,
      counters: { original: { packets: 1, bytes: 31 }, reply: { packets: 0, bytes: 0 } },
    });
    expect(at(value, 6)).toMatchObject({
      protocol: 'icmp',
      protocolNumber: 1,
      timeoutSec: 25,
      original: { src: '10.88.0.1', dst: '10.88.0.2', icmp: { type: 8, code: 0, id: 119 } },
      reply: { icmp: { type: 0, code: 0, id: 119 } },
    });
    expect(at(value, 6)?.original.srcPort).toBeUndefined();
    const listed = parse(local('L-acct-mark-zone-icmp.txt')).value;
    expect(at(listed, 2)).toMatchObject({
      mark: 42,
      counters: { original: { packets: 6, bytes: 398 } },
    });
  });

  it('joins an entry that stderr’s summary split in two, keeping the entry and its id', () => {
    const outcome = parse(local('L-extended-id-acct-summary-inside-entry.txt'));
    expect(outcome.issues).toEqual([]);
    expect(at(outcome.value, 19)).toMatchObject({
      family: 'ipv6',
      protocol: 'icmpv6',
      original: { src: 'fd88::1', icmp: { type: 128, code: 0, id: 119 } },
      counters: { original: { packets: 1, bytes: 53 } },
      id: 1082918467,
    });
  });
});

describe('conntrackTableParser edge cases', () => {
  it('reports entries lost before the summary', () => {
    const outcome = parse(
      'tcp 6 10 CLOSE src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 mark=0 use=1\n' +
        'conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.\n',
    );
    expect(outcome.issues).toEqual([
      expect.objectContaining({
        code: 'TRUNCATED_ARTIFACT',
        locator: { artifact: 'ct.txt', line: 2 },
      }),
    ]);
  });

  it('reports tool errors and unreadable lines with their line numbers', () => {
    const outcome = parse(
      'conntrack v1.4.7 (conntrack-tools): Operation failed: invalid parameters\n' +
        'tcp 6 10 BOGUS src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1\n' +
        'tcp 6 10 CLOSE src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2\n' +
        'tcp 6 10 CLOSE src=10.0.0.1 dst=10.0.0.999 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1\n' +
        'tcp 6 10 CLOSE src=10.0.0.1 dst=10.0.0.2 sport=1 dport=99999 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1\n',
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.issues.map((issue) => [issue.locator.line, issue.code])).toEqual([
      [1, 'TOOL_ERROR'],
      [2, 'UNPARSEABLE_LINE'],
      [3, 'UNPARSEABLE_LINE'],
      [4, 'UNPARSEABLE_LINE'],
      [5, 'UNPARSEABLE_LINE'],
    ]);
  });

  it('reads other protocols without a TCP state, and skips words it does not know', () => {
    const { value, issues } = parse(
      'ipv4 2 sctp 132 3 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=38412 src=10.0.0.2 dst=10.0.0.1 sport=38412 dport=5000 [ASSURED] [OFFLOAD] mark=0 secctx=system_u:object_r:unlabeled_t:s0 helper=ftp zone=3 use=2\n' +
        'ipv4 2 gre 47 179 src=10.0.0.1 dst=10.0.0.2 srckey=0x0 dstkey=0x0 src=10.0.0.2 dst=10.0.0.1 srckey=0x0 dstkey=0x0 mark=0 use=1\n',
    );
    expect(issues).toEqual([]);
    expect(value[0]).toMatchObject({
      protocol: 'sctp',
      tcpState: undefined,
      assured: true,
      zone: 3,
      use: 2,
    });
    expect(value[1]).toMatchObject({ protocol: 'gre', protocolNumber: 47, timeoutSec: 179 });
  });

  it('honours maxItems with one issue', () => {
    const line =
      'tcp 6 10 CLOSE src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1\n';
    const outcome = parseText(conntrackTableParser, line.repeat(5), 'ct.txt', { maxItems: 3 });
    expect(outcome.value).toHaveLength(3);
    expect(outcome.issues).toEqual([
      {
        locator: { artifact: 'ct.txt', line: 4 },
        code: 'TOO_MANY_ITEMS',
        message: '2 entries beyond the limit of 3 were counted, not kept',
      },
    ]);
  });
});
