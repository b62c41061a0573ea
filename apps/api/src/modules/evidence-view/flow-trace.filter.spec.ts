import { describe, expect, it } from 'vitest';
import { FlowTraceFilter, summaryEndpoints } from './flow-trace.filter.js';

function verdict(
  index: number,
  summary: string,
  entryId: number | null,
  translated?: { src: string; srcPort: number; dst: string; dstPort: number },
): string {
  return JSON.stringify({
    capture: 'capture.pcap',
    index,
    summary,
    entryId,
    nat: translated
      ? { applied: true, translated: { protocol: 6, ...translated } }
      : { applied: false },
  });
}

describe('summaryEndpoints', () => {
  it('should read sender and receiver, IPv6 included', () => {
    expect(summaryEndpoints('SYN,ACK 10 bytes from 10.0.0.1:80 to 10.0.0.2:5000')).toEqual({
      from: '10.0.0.1:80',
      to: '10.0.0.2:5000',
    });
    expect(summaryEndpoints('RST from [fd78::1]:80 to [fd78::2]:1')?.from).toBe('[fd78::1]:80');
    expect(summaryEndpoints('garbage')).toBeNull();
  });
});

describe('FlowTraceFilter', () => {
  const flow = { client: '10.78.0.2:40000', server: '10.78.0.1:80' };

  it('should keep both directions of the flow and drop other flows, even with similar ports', () => {
    const filter = new FlowTraceFilter(flow);
    expect(filter.packet(verdict(1, 'SYN from 10.78.0.2:40000 to 10.78.0.1:80', 3))).not.toBeNull();
    expect(
      filter.packet(verdict(2, 'SYN,ACK from 10.78.0.1:80 to 10.78.0.2:40000', 3)),
    ).not.toBeNull();
    expect(filter.packet(verdict(3, 'SYN from 10.78.0.2:400001 to 10.78.0.1:80', 4))).toBeNull();
    expect(filter.packet(verdict(4, 'SYN from 10.78.0.9:1 to 10.78.0.1:80', 5))).toBeNull();
  });

  it('should follow the NAT-translated twin through the translation and the conntrack entry', () => {
    const filter = new FlowTraceFilter(flow);
    const translated = { src: '10.78.0.2', srcPort: 40000, dst: '10.78.0.5', dstPort: 8080 };
    expect(
      filter.packet(verdict(1, 'SYN from 10.78.0.2:40000 to 10.78.0.1:80', 3, translated)),
    ).not.toBeNull();
    expect(
      filter.packet(verdict(2, 'SYN,ACK from 10.78.0.5:8080 to 10.78.0.2:40000', null)),
    ).not.toBeNull();
    expect(filter.packet(verdict(3, 'ACK from 10.78.0.66:1 to 10.78.0.67:2', 3))).not.toBeNull();
    expect(filter.event(JSON.stringify({ kind: 'created', entryId: 3, note: '' }))).toEqual({
      kind: 'created',
      entryId: 3,
      note: '',
    });
    expect(filter.event(JSON.stringify({ kind: 'created', entryId: 30, note: '' }))).toBeNull();
  });

  it('should know which addresses are the client side after source NAT', () => {
    const filter = new FlowTraceFilter(flow);
    const snat = { src: '192.0.2.1', srcPort: 61000, dst: '10.78.0.1', dstPort: 80 };
    filter.packet(verdict(1, 'SYN from 10.78.0.2:40000 to 10.78.0.1:80', 3, snat));
    expect([...filter.clientSide]).toEqual(['10.78.0.2:40000', '192.0.2.1:61000']);
  });
});
