import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Packet } from '@netmortem/domain';
import { requirement } from '@test/support/requirement.js';
import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../text/issue-collector.js';
import { bytesSource, capturePackets } from './capture.reader.js';

// Differential test: every packet of every real capture in the repo, decoded by this
// reader and by Debian's tshark, field by field. Skipped where tshark is not installed.

const tsharkAvailable = (() => {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'frame.len',
  'frame.cap_len',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'ip.ttl',
  'ipv6.hlim',
  'ip.id',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.seq_raw',
  'tcp.ack_raw',
  'tcp.flags',
  'tcp.window_size_value',
  'tcp.len',
  'tcp.options.mss_val',
  'tcp.options.wscale.shift',
  'tcp.options.timestamp.tsval',
  'tcp.options.timestamp.tsecr',
  'udp.srcport',
  'udp.dstport',
  'icmp.type',
  'icmp.code',
  'icmpv6.type',
  'icmpv6.code',
  'ieee8021ad.id',
  'vlan.id',
  'sll.pkttype',
] as const;

type Row = Record<(typeof FIELDS)[number], string>;

function tshark(path: string): Row[] {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      path,
      // This reader does not reassemble: compare fragment by fragment.
      '-o',
      'ip.defragment:FALSE',
      '-o',
      'ipv6.defragment:FALSE',
      '-T',
      'fields',
      '-E',
      'separator=|',
      ...FIELDS.flatMap((f) => ['-e', f]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 },
  );
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const values = line.split('|');
      return Object.fromEntries(FIELDS.map((f, i) => [f, values[i] ?? ''])) as Row;
    });
}

/** tshark lists a field once per occurrence (outer header, then the ICMP-quoted one). */
function first(value: string): string {
  return value.split(',')[0] ?? '';
}
function last(value: string): string {
  const parts = value.split(',');
  return parts[parts.length - 1] ?? '';
}
function num(value: string): number | undefined {
  return value === '' ? undefined : Number(value);
}

async function decode(path: string, chunkSize: number) {
  const issues = new IssueCollector(path);
  const packets: Packet[] = [];
  const generator = capturePackets(bytesSource(readFileSync(path), chunkSize), path, issues);
  for (;;) {
    const next = await generator.next();
    if (next.done === true) return { packets, summary: next.value, issues: issues.list() };
    packets.push(next.value);
  }
}

function expectSame(packet: Packet, row: Row): void {
  const where = `${packet.locator.artifact}#${packet.locator.packet}`;
  const [seconds = '', fraction = ''] = row['frame.time_epoch'].split('.');
  const ns = `${fraction}000000000`.slice(0, 9);
  expect(packet.timeUs, where).toBe(Number(seconds) * 1e6 + Math.floor(Number(ns) / 1000));
  expect(packet.timeSubUsNs, where).toBe(Number(ns) % 1000);
  expect(packet.originalLength, where).toBe(Number(row['frame.len']));
  expect(packet.capturedLength, where).toBe(Number(row['frame.cap_len']));
  const v4 = row['ip.src'] !== '';
  expect(packet.src, where).toBe(first(v4 ? row['ip.src'] : row['ipv6.src']));
  expect(packet.dst, where).toBe(first(v4 ? row['ip.dst'] : row['ipv6.dst']));
  expect(packet.ttl, where).toBe(Number(first(v4 ? row['ip.ttl'] : row['ipv6.hlim'])));
  if (v4) expect(packet.ipId, where).toBe(Number(first(row['ip.id'])));
  const tags = [row['ieee8021ad.id'], row['vlan.id']].filter((ids) => ids !== '').join(',');
  if (tags !== '') expect(packet.vlan, where).toEqual(tags.split(',').map(Number));
  if (row['sll.pkttype'] !== '') {
    expect(packet.direction, where).toBe(row['sll.pkttype'] === '4' ? 'out' : 'in');
  }

  if (packet.icmp !== undefined) {
    const type = packet.ipVersion === 4 ? row['icmp.type'] : row['icmpv6.type'];
    const code = packet.ipVersion === 4 ? row['icmp.code'] : row['icmpv6.code'];
    expect(packet.icmp.type, where).toBe(Number(first(type)));
    expect(packet.icmp.code, where).toBe(Number(first(code)));
    // For an ICMP error, tshark's transport fields belong to the quoted packet.
    const quoted = packet.icmp.quoted;
    if (quoted !== undefined) {
      expect(quoted.src, where).toBe(last(v4 ? row['ip.src'] : row['ipv6.src']));
      expect(quoted.dst, where).toBe(last(v4 ? row['ip.dst'] : row['ipv6.dst']));
      const sport = row['tcp.srcport'] || row['udp.srcport'];
      if (sport !== '') expect(quoted.srcPort, where).toBe(Number(sport));
      if (row['tcp.seq_raw'] !== '') expect(quoted.tcpSeq, where).toBe(Number(row['tcp.seq_raw']));
    }
    return;
  }
  if (packet.tcp !== undefined) {
    const tcp = packet.tcp;
    expect(packet.srcPort, where).toBe(Number(row['tcp.srcport']));
    expect(packet.dstPort, where).toBe(Number(row['tcp.dstport']));
    expect(tcp.seq, where).toBe(Number(row['tcp.seq_raw']));
    expect(tcp.ack, where).toBe(Number(row['tcp.ack_raw']));
    expect(tcp.flags, where).toBe(Number(row['tcp.flags']) & 0xff);
    expect(tcp.window, where).toBe(Number(row['tcp.window_size_value']));
    expect(packet.payloadLength, where).toBe(Number(row['tcp.len']));
    expect(tcp.options.mss, where).toBe(num(row['tcp.options.mss_val']));
    expect(tcp.options.windowScale, where).toBe(num(row['tcp.options.wscale.shift']));
    expect(tcp.options.timestamp?.value, where).toBe(num(row['tcp.options.timestamp.tsval']));
    expect(tcp.options.timestamp?.echo, where).toBe(num(row['tcp.options.timestamp.tsecr']));
    return;
  }
  if (row['udp.srcport'] !== '') {
    expect(packet.srcPort, where).toBe(Number(row['udp.srcport']));
    expect(packet.dstPort, where).toBe(Number(row['udp.dstport']));
  }
}

function capturesIn(folder: URL): string[] {
  return readdirSync(folder)
    .filter((name) => /\.(pcap|pcapng)$/.test(name))
    .map((name) => new URL(name, folder).pathname);
}

const detection = new URL('../detection/__fixtures__/', import.meta.url);
const captures = [
  ...capturesIn(new URL('pcap/', detection)),
  ...capturesIn(new URL('pcapng/', detection)),
  ...capturesIn(new URL('./__fixtures__/', import.meta.url)),
  ...capturesIn(new URL('../flows/__fixtures__/', import.meta.url)),
];

describe.skipIf(!requirement('tshark (apt-get install tshark)', tsharkAvailable))(
  'capture reader vs tshark',
  () => {
    it.each(captures.map((path) => [path.split('/').slice(-2).join('/'), path]))(
      '%s: every packet decodes as tshark decodes it',
      async (_name, path) => {
        const rows = tshark(path);
        // Odd chunk sizes put record boundaries everywhere; the result must not change.
        for (const chunkSize of [65_536, 7]) {
          const { packets, summary, issues } = await decode(path, chunkSize);
          expect(issues).toEqual([]);
          expect(summary.complete).toBe(true);
          expect(summary.packets).toBe(rows.length);
          const ipRows = rows.filter((row) => row['ip.src'] !== '' || row['ipv6.src'] !== '');
          expect(packets.length).toBe(ipRows.length);
          for (const packet of packets) {
            const row = rows[(packet.locator.packet ?? 0) - 1];
            expect(row, `row for packet ${packet.locator.packet}`).toBeDefined();
            expectSame(packet, row!);
          }
        }
      },
    );
  },
);
