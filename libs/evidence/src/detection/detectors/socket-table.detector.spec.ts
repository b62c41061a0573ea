import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleText } from '../text-sample.js';
import { detectSocketTable } from './socket-table.detector.js';

const sample = (text: string) => sampleText(new TextEncoder().encode(text));
const fixture = (path: string) =>
  sampleText(new Uint8Array(readFileSync(new URL(`../__fixtures__/${path}`, import.meta.url))));

describe('detectSocketTable: ss', () => {
  it.each([
    'ss/tan-client.txt',
    'ss/tanoie-client.txt',
    'ss/tapionume-server.txt',
    'ss/iproute2-4x-tan.txt',
    'ss/iproute2-4x-tanoie.txt',
    'ss/iproute2-4x-tuan-netid.txt',
    'ss/state-filter-no-state-column.txt',
  ])('recognises the header and rows of %s', (path) => {
    const detection = detectSocketTable(fixture(path));
    expect(detection?.kind).toBe('ss');
    expect(detection?.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('recognises an empty table by its header', () => {
    expect(
      detectSocketTable(
        sample('State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n'),
      ),
    ).toMatchObject({
      kind: 'ss',
      confidence: 0.9,
    });
  });

  it('recognises headerless rows (ss -H) by their hyphenated states', () => {
    const detection = detectSocketTable(fixture('ss/tan-no-header.txt'));
    expect(detection?.kind).toBe('ss');
    expect(detection?.reason).toMatch(/12 of 12 sampled lines/);
  });

  it('counts -i/-m/-e detail lines as part of the table', () => {
    const detection = detectSocketTable(
      sample('ESTAB 0 0 10.0.0.1:5 10.0.0.2:6\n\t cubic wscale:7,7 rto:204\nnot a socket line\n'),
    );
    expect(detection?.confidence).toBeGreaterThan(
      detectSocketTable(sample('ESTAB 0 0 10.0.0.1:5 10.0.0.2:6\nnot a socket line\nnor this\n'))!
        .confidence,
    );
  });
});

describe('detectSocketTable: netstat', () => {
  it.each([
    'netstat/tan.txt',
    'netstat/tanp.txt',
    'netstat/tanpo-timers.txt',
    'netstat/an-with-unix-sockets.txt',
  ])('recognises %s', (path) => {
    expect(detectSocketTable(fixture(path))).toMatchObject({ kind: 'netstat' });
  });

  it('tells headerless netstat rows from ss rows by their layout', () => {
    const rows =
      'tcp        0      0 10.0.0.1:80     10.0.0.2:5000     TIME_WAIT\ntcp6       0      0 :::8080  :::*  LISTEN\n';
    expect(detectSocketTable(sample(rows))?.kind).toBe('netstat');
  });
});

describe('detectSocketTable: protocol counters', () => {
  it.each([
    ['net-counters/netstat-s-client.txt', /netstat -s/],
    ['net-counters/netstat-s-server-listen-overflow-abort-on-close.txt', /netstat -s/],
    ['net-counters/nstat-az-client-first-120-lines.txt', /nstat/],
    ['net-counters/nstat-az-server.txt', /nstat/],
    ['net-counters/nstat-a-server.txt', /nstat/],
    ['net-counters/proc-net-snmp-server.txt', /\/proc\/net\/snmp/],
    ['net-counters/proc-net-netstat-server.txt', /\/proc\/net\/netstat/],
    ['net-counters/proc-net-snmp6-server.txt', /snmp6/],
  ])('reads %s as net-counters', (path, reason) => {
    const detection = detectSocketTable(fixture(path));
    expect(detection?.kind).toBe('net-counters');
    expect(detection?.reason).toMatch(reason);
    expect(detection?.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('reads an nstat run that saw no change (only its #kernel header) as net-counters', () => {
    expect(detectSocketTable(sample('#kernel\n'))?.kind).toBe('net-counters');
  });

  it('pairs /proc/net/snmp name and value rows, negative values included', () => {
    const snmp =
      'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens\nTcp: 1 200 120000 -1 8\n' +
      'Udp: InDatagrams NoPorts InErrors\nUdp: 1 0 0\n';
    expect(detectSocketTable(sample(snmp))?.kind).toBe('net-counters');
  });

  it('still calls ss -s an unknown summary', () => {
    const detection = detectSocketTable(fixture('unknown/ss-s-summary.txt'));
    expect(detection?.kind).toBe('unknown');
    expect(detection?.reason).toMatch(/ss -s/);
  });

  it('ignores other text', () => {
    expect(
      detectSocketTable(sample('2026-01-14 ERROR connection reset by peer\n')),
    ).toBeUndefined();
  });
});
