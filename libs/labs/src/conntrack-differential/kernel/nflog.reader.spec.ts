import { readFileSync } from 'node:fs';
import { bytesSource, capturePackets, IssueCollector } from '@netmortem/evidence';
import { describe, expect, it } from 'vitest';
import { readNflogPcap } from './nflog.reader.js';
import { parsePrePrefix } from './verdict-ruleset.js';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url));

// A real lab batch: a simultaneous open (forwarded) and a REDIRECT to the router (delivered
// locally), captured with tcpdump -i nflog:7 in the router; the injected pcap alongside.
describe('readNflogPcap', () => {
  const records = readNflogPcap(fixture('nflog-redirect-simultaneous-open.pcap'));

  it('logs every injected packet exactly once before NAT, with its ctstate', async () => {
    const injected: number[] = [];
    for await (const packet of capturePackets(
      bytesSource(fixture('injected-redirect-simultaneous-open.pcap')),
      'x',
      new IssueCollector('x'),
    ))
      injected.push(packet.ipId ?? -1);
    const pre = records.filter((r) => r.prefix.startsWith('PRE'));
    expect(pre.map((r) => r.packetId).sort((a, b) => a - b)).toEqual(
      [...injected].sort((a, b) => a - b),
    );
    for (const record of pre)
      expect(['NEW', 'ESTABLISHED', 'INVALID']).toContain(parsePrePrefix(record.prefix)?.ctinfo);
    expect(parsePrePrefix(pre[0]?.prefix ?? '')).toEqual({ ctinfo: 'NEW', direction: 'original' });
  });

  it('shows the REDIRECT target after NAT and the untouched address before it', () => {
    const first = records.filter((r) => r.packetId === 7);
    expect(first.map((r) => [r.prefix, r.dst, r.dstPort])).toEqual([
      ['PRE NEW ORIGINAL', '10.77.2.100', 40380],
      ['POST INPUT', '10.77.1.1', 15001],
    ]);
  });

  it('keeps the capture order and microsecond times', () => {
    for (let i = 1; i < records.length; i++)
      expect(records[i]?.timeUs).toBeGreaterThanOrEqual(records[i - 1]?.timeUs ?? 0);
  });

  it('rejects a file that is not an NFLOG capture', () => {
    expect(() => readNflogPcap(fixture('injected-redirect-simultaneous-open.pcap'))).toThrow(
      'not an NFLOG capture',
    );
  });
});
