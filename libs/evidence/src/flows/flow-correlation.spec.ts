import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../capture/capture.reader.js';
import { IssueCollector } from '../text/issue-collector.js';
import { collectFlows } from './analyze-capture.js';
import { correlateFlows } from './flow-correlation.js';

// The NAT lab (lab/generate-fixtures.mjs, nat-client-side.pcap): captured on the client's
// veth (pod side) and the server's (node side) at once. The router DNATs 10.70.9.9:80 to
// 10.70.2.2:8080 and masquerades; the second connection loses its conntrack entry before
// its second request, which (tcp_loose=0) is INVALID, skips NAT and reaches 10.70.9.9:80
// on the server, whose RST kills the client's connection.

async function flows(name: string, tracePackets = 16) {
  const issues = new IssueCollector(name);
  const result = await collectFlows(
    bytesSource(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url))),
    name,
    issues,
    { tracePackets },
  );
  return result.flows;
}

describe(correlateFlows.name, () => {
  it('should pair the connections across the NAT by their initial sequence numbers', async () => {
    const correlations = correlateFlows(
      await flows('nat-client-side.pcap'),
      await flows('nat-server-side.pcap'),
    );
    expect(correlations.map((c) => [c.flowA, c.flowB])).toEqual([
      ['nat-client-side.pcap#1', 'nat-server-side.pcap#1'],
      ['nat-client-side.pcap#2', 'nat-server-side.pcap#2'],
    ]);
    for (const c of correlations) {
      expect(c.matchedBy).toMatch(/^client ISN \d+ and server ISN \d+; first packets .* apart$/);
      expect(c.translation.server).toEqual({
        from: { ip: '10.70.9.9', port: 80 },
        to: { ip: '10.70.2.2', port: 8080 },
      });
      expect(c.translation.client?.from.ip).toBe('10.70.1.2');
      expect(c.translation.client?.to.ip).toBe('10.70.2.1');
    }
    expect(correlations[0]?.untranslatedPackets).toEqual([]);
  });

  it('should list the packets that reached the far side untranslated, with their counterpart', async () => {
    const [, broken] = correlateFlows(
      await flows('nat-client-side.pcap'),
      await flows('nat-server-side.pcap'),
    );
    expect(broken?.untranslatedPackets.map((p) => p.packet)).toEqual([61, 62]);
    const [data, rst] = broken?.untranslatedPackets ?? [];
    expect(data?.note).toContain(
      'nat-server-side.pcap #61 shows PSH+ACK 5 bytes 10.70.1.2:32988 → 10.70.9.9:80',
    );
    expect(data?.note).toContain('10.70.2.1:32988 → 10.70.2.2:8080: not translated');
    expect(rst?.note).toContain('RST 10.70.9.9:80 → 10.70.1.2:32988');
  });

  it('should still point at the untranslated flow without packet traces', async () => {
    const a = (await flows('nat-client-side.pcap', 0)).map((f) => f.flow);
    const b = (await flows('nat-server-side.pcap', 0)).map((f) => f.flow);
    const [, broken] = correlateFlows(a, b);
    expect(broken?.untranslatedPackets).toHaveLength(1);
    expect(broken?.untranslatedPackets[0]?.packet).toBe(61);
    expect(broken?.untranslatedPackets[0]?.note).toContain('nat-server-side.pcap#3');
  });

  it('should match a capture with itself without any translation', async () => {
    const a = await flows('normal-close.pcap');
    const correlations = correlateFlows(a, a);
    expect(correlations).toHaveLength(2);
    for (const c of correlations) {
      expect(c.flowA).toBe(c.flowB);
      expect(c.translation).toEqual({});
      expect(c.untranslatedPackets).toEqual([]);
    }
  });

  it('should pair connections picked up mid-stream by identical segments', async () => {
    const cut = async (name: string) => {
      const bytes = readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));
      let at = 24;
      for (let i = 0; i < 56; i++) at += 16 + bytes.readUInt32LE(at + 8);
      const issues = new IssueCollector(name);
      return (
        await collectFlows(
          bytesSource(Buffer.concat([bytes.subarray(0, 24), bytes.subarray(at)])),
          name,
          issues,
          {
            tracePackets: 16,
          },
        )
      ).flows;
    };
    const correlations = correlateFlows(
      await cut('nat-client-side.pcap'),
      await cut('nat-server-side.pcap'),
    );
    const midStream = correlations.find((c) => c.matchedBy.includes('mid-stream'));
    expect(midStream?.translation.server?.to).toEqual({ ip: '10.70.2.2', port: 8080 });
  });
});
