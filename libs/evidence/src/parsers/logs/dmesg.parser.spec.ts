import { readFileSync } from 'node:fs';
import type { LogEvent } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { dmesgParser } from './dmesg.parser.js';

const shared = new URL('../../detection/__fixtures__/dmesg/', import.meta.url);
const lab = new URL('./__fixtures__/dmesg/', import.meta.url);

function parse(root: URL, file: string) {
  return parseText(dmesgParser, readFileSync(new URL(file, root), 'utf8'), file);
}

const US_2026_01_14 = Date.UTC(2026, 0, 14) * 1000;

// The hand-written node log in each rendering: same 23 messages, different prefixes.
describe('dmesg renderings of one node log', () => {
  it.each([
    ['raw.txt', { uptimeSec: 8123.456789 }],
    ['raw-with-priority.txt', { uptimeSec: 8123.456789, level: 'warn' }],
    ['facility-level-x.txt', { uptimeSec: 8123.456789, level: 'warn' }],
    ['human-timestamps-T.txt', { timeUs: US_2026_01_14 + (10 * 3600 + 15 * 60 + 23) * 1e6 }],
    ['iso-time-format.txt', { timeUs: US_2026_01_14 + (10 * 3600 + 15 * 60 + 23) * 1e6 + 456_789 }],
    ['journalctl-k.txt', { fields: { partialTime: '--01-14T10:15:23', host: 'node-1' } }],
  ])('%s', (file, atTableFull: Partial<LogEvent>) => {
    const { value, issues, status } = parse(shared, file);
    expect(status).toBe('parsed');
    expect(issues).toEqual([]);
    expect(value).toHaveLength(23);
    const full = value.filter((e) => e.errorKind === 'CONNTRACK_TABLE_FULL');
    expect(full.map((e) => e.locator.line)).toEqual([14, 15, 17]);
    expect(full[0]).toMatchObject({
      source: 'kernel',
      message: 'nf_conntrack: nf_conntrack: table full, dropping packet',
      ...atTableFull,
    });
    const invalid = value.filter((e) => e.errorKind === 'CONNTRACK_INVALID');
    expect(invalid).toHaveLength(2);
    expect(invalid[0]).toMatchObject({
      locator: { artifact: file, line: 18 },
      client: { ip: '10.244.1.5', port: 43982 },
      server: { ip: '10.96.0.10', port: 5432 },
      fields: {
        reason: 'invalid packet ignored in state ESTABLISHED',
        seq: 2712034811,
        flags: 'DF ACK',
      },
    });
    expect(value[15]?.fields).toMatchObject({ event: 'ratelimit-suppressed', suppressed: 213 });
    expect(value[19]).toMatchObject({
      server: { ip: '10.244.1.5', port: 8080 },
      fields: { event: 'syn-flood', action: 'cookies' },
    });
    expect(value[20]?.fields).toMatchObject({
      event: 'neighbour-table-overflow',
      table: 'arp_cache',
    });
    expect(value[0]).not.toHaveProperty('errorKind');
  });

  it('reads kern.log with both the syslog time and the kernel uptime', () => {
    const { value } = parse(shared, 'kern-log-rsyslog-rfc3339.txt');
    expect(value[0]).toMatchObject({
      timeUs: US_2026_01_14 + (10 * 3600 + 15 * 60 + 23) * 1e6 + 456_789,
      uptimeSec: 8123.456789,
      errorKind: 'CONNTRACK_TABLE_FULL',
      fields: { host: 'node-1' },
    });
    const classic = parse(shared, 'kern-log-classic-syslog.txt').value;
    expect(classic[5]).toMatchObject({
      uptimeSec: 8123.456789,
      fields: { partialTime: '--01-14T10:15:23' },
    });
  });

  it('reads the single-prefix table-full message of older kernels', () => {
    const { value } = parse(shared, 'raw-older-kernel.txt');
    expect(value.filter((e) => e.errorKind === 'CONNTRACK_TABLE_FULL')).toHaveLength(3);
  });
});

// Real output of kernel 6.18 from a namespace lab (see __fixtures__/README.md).
describe('dmesg lab captures', () => {
  it('reads conntrack log_invalid lines with their reason and flow', () => {
    const { value, status } = parse(lab, 'lab-raw.txt');
    expect(status).toBe('parsed');
    expect(value).toHaveLength(12);
    expect(value[0]).toMatchObject({
      uptimeSec: 3885.555006,
      errorKind: 'CONNTRACK_INVALID',
      client: { ip: '10.78.0.1', port: 59016 },
      server: { ip: '10.78.0.2', port: 8080 },
      fields: {
        logger: 'nf_ct_proto_6',
        reason: 'SEQ is over upper bound 980301995 (over the window of the receiver)',
        in: 'nmlog-vb',
        flags: 'DF ACK PSH',
      },
    });
    expect(value[2]?.fields).toMatchObject({ reason: 'invalid rst', flags: 'DF RST' });
    // `in dir 1`: the packet came from the server, so the quoted source is the server.
    expect(value[10]).toMatchObject({
      client: { ip: '10.78.0.1', port: 40001 },
      server: { ip: '10.78.0.2', port: 7070 },
    });
  });

  it('reads LOG target lines as packet events, IPv6 addresses compressed', () => {
    const { value } = parse(lab, 'lab-raw.txt');
    expect(value[1]).toMatchObject({
      fields: { event: 'packet-log', prefix: 'nm-invalid:', proto: 'TCP', dpt: 8080 },
    });
    expect(value[1]).not.toHaveProperty('errorKind');
    expect(value[8]).toMatchObject({
      client: { ip: 'fd78::1', port: 43440 },
      server: { ip: 'fd78::2', port: 9090 },
      fields: { src: 'fd78::1' },
    });
    expect(value[9]?.fields).toMatchObject({ out: 'nmlog-vb', proto: 'UDP', uid: 0 });
    expect(value[6]).toMatchObject({
      server: { ip: '0.0.0.0', port: 7070 },
      fields: { event: 'syn-flood', port: 7070 },
    });
  });

  it.each([
    ['lab-r.txt', { level: 'notice', uptimeSec: 3885.555006 }],
    ['lab-x.txt', { level: 'notice', fields: { facility: 'kern' } }],
    ['lab-T.txt', { timeUs: Date.UTC(2026, 10, 22, 0, 37, 30) * 1000 }],
    ['lab-iso.txt', { timeUs: Date.UTC(2026, 10, 22, 0, 37, 30) * 1000 + 555_006 }],
    ['lab-delta.txt', { fields: { deltaSec: 0.000032 } }],
    ['lab-notime.txt', {}],
  ])('%s', (file, first: Partial<LogEvent>) => {
    const { value, status } = parse(lab, file);
    expect(status).toBe('parsed');
    expect(value).toHaveLength(12);
    expect(value.filter((e) => e.errorKind === 'CONNTRACK_INVALID')).toHaveLength(5);
    const probe = file === 'lab-delta.txt' ? value[1] : value[0];
    expect(probe).toMatchObject(first);
  });
});

describe('dmesg edge cases', () => {
  it('skips binary lines with an issue and keeps going', () => {
    const { value, issues, status } = parseText(
      dmesgParser,
      '[ 1.0] a\n\u0000\u0001\u0002garbage\n[ 2.0] b\n',
      'k.txt',
    );
    expect(value.map((e) => e.message)).toEqual(['a', 'b']);
    expect(issues).toEqual([
      {
        locator: { artifact: 'k.txt', line: 2 },
        code: 'BINARY_DATA',
        message: expect.any(String) as string,
      },
    ]);
    expect(status).toBe('partial');
  });

  it('caps events at maxItems and says how many were dropped', () => {
    const text = Array.from({ length: 10 }, (_, i) => `[ ${i}.000001] line ${i}`).join('\n');
    const { value, issues } = parseText(dmesgParser, text, 'k.txt', { maxItems: 3 });
    expect(value).toHaveLength(3);
    expect(issues).toEqual([
      {
        locator: { artifact: 'k.txt', line: 4 },
        code: 'TOO_MANY_ITEMS',
        message: '7 kernel messages beyond the limit of 3 were counted, not kept',
      },
    ]);
  });

  it('reads the table-full message that names the network namespace (6.x)', () => {
    const { value } = parseText(
      dmesgParser,
      '[ 812.034511] nf_conntrack: nf_conntrack: table full in netns 4026532841, dropping packet',
    );
    expect(value[0]?.errorKind).toBe('CONNTRACK_TABLE_FULL');
  });

  it('reads the 4.x SYN flood wording that names only the port', () => {
    const { value } = parseText(
      dmesgParser,
      '[ 5.5] TCP: request_sock_TCP: Possible SYN flooding on port 8080. Sending cookies.  Check SNMP counters.',
    );
    expect(value[0]?.fields).toMatchObject({ event: 'syn-flood', port: 8080 });
    expect(value[0]).not.toHaveProperty('server');
  });
});
