import type { Flow } from '@netmortem/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacketView } from '../capture/packet-view.js';
import { FlowAnalyzer } from './flow-analyzer.js';
import type { FlowAnalyzerOptions } from './flow-options.js';

// Synthetic packet views (no bytes needed) to drive the analyzer through the limits that
// keep its memory bounded: table size, idle and linger timeouts, anomaly caps.

const SYN = 0x02;
const ACK = 0x10;
const FIN = 0x01;

class Feed {
  readonly flows: Flow[] = [];
  readonly analyzer: FlowAnalyzer;
  private readonly view = new PacketView();
  private n = 0;

  constructor(options: FlowAnalyzerOptions = {}) {
    this.analyzer = new FlowAnalyzer('synthetic.pcap', (flow) => this.flows.push(flow), options);
  }

  tcp(
    timeUs: number,
    client: number,
    port: number,
    toServer: boolean,
    flags: number,
    seq: number,
    ack: number,
    length = 0,
    window = 1000,
  ): void {
    const v = this.view;
    v.resetDecoded();
    v.number = ++this.n;
    v.timeUs = timeUs;
    v.ipVersion = 4;
    v.protocol = 6;
    const c = 0x0a000000 + client;
    const s = 0x0a630001;
    v.src0 = toServer ? c : s;
    v.dst0 = toServer ? s : c;
    v.src1 = v.src2 = v.src3 = v.dst1 = v.dst2 = v.dst3 = 0;
    v.srcPort = toServer ? port : 443;
    v.dstPort = toServer ? 443 : port;
    v.tcpFlags = flags;
    v.seq = seq >>> 0;
    v.ack = ack >>> 0;
    v.window = window;
    v.payloadLength = length;
    v.optionsDecoded = true;
    v.mss = -1;
    v.windowScale = -1;
    v.sackPermitted = false;
    this.analyzer.add(v);
  }

  udp(timeUs: number, client: number, length: number): void {
    const v = this.view;
    v.resetDecoded();
    v.number = ++this.n;
    v.timeUs = timeUs;
    v.ipVersion = 4;
    v.protocol = 17;
    v.src0 = 0x0a000000 + client;
    v.dst0 = 0x0a630001;
    v.src1 = v.src2 = v.src3 = v.dst1 = v.dst2 = v.dst3 = 0;
    v.srcPort = 5000;
    v.dstPort = 53;
    v.payloadLength = length;
    this.analyzer.add(v);
  }

  /** A complete connection: handshake, one request, FIN both ways. */
  connection(t: number, client: number): void {
    this.tcp(t, client, 40000, true, SYN, 100, 0);
    this.tcp(t + 1, client, 40000, false, SYN | ACK, 900, 101);
    this.tcp(t + 2, client, 40000, true, ACK, 101, 901);
    this.tcp(t + 3, client, 40000, true, ACK | FIN, 101, 901);
    this.tcp(t + 4, client, 40000, false, ACK | FIN, 901, 102);
    this.tcp(t + 5, client, 40000, true, ACK, 102, 902);
  }
}

describe('FlowAnalyzer memory bounds', () => {
  it('should never hold more than maxActiveFlows, finalising the least recent first', () => {
    const feed = new Feed({ maxActiveFlows: 100 });
    for (let i = 0; i < 1000; i++) feed.tcp(i * 10, i, 40000, true, SYN, i, 0);
    const emittedBeforeFinish = feed.flows.length;
    const summary = feed.analyzer.finish();
    expect(summary.peakActiveFlows).toBe(100);
    expect(summary.evicted).toBe(900);
    expect(emittedBeforeFinish).toBe(900);
    expect(feed.flows).toHaveLength(1000);
    // The evicted ones are the oldest.
    expect(feed.flows.slice(0, 900).every((f) => f.firstUs < 9000)).toBe(true);
  });

  it('should finalise closed flows once they have been quiet for the linger time', () => {
    const feed = new Feed({ closedLingerUs: 1_000_000 });
    feed.connection(0, 1);
    // Another, long connection keeps packets coming; expiry is checked every 1024 packets.
    feed.tcp(10, 2, 40001, true, SYN, 5, 0);
    for (let i = 0; i < 2048; i++) feed.tcp(2_000_000 + i, 2, 40001, true, ACK, 6 + i, 1, 1);
    expect(feed.flows.map((f) => [f.client.ip, f.close.kind])).toEqual([['10.0.0.1', 'fin-both']]);
    feed.analyzer.finish();
    expect(feed.flows).toHaveLength(2);
  });

  it('should finalise open TCP flows after the idle timeout, and UDP flows after theirs', () => {
    const feed = new Feed({ tcpIdleTimeoutUs: 5_000_000, udpIdleTimeoutUs: 1_000_000 });
    feed.tcp(0, 1, 40000, true, ACK, 1, 1, 10);
    feed.udp(0, 3, 40);
    for (let i = 0; i < 1024; i++) feed.tcp(2_000_000 + i, 2, 40001, true, ACK, 1 + i, 1, 1);
    expect(feed.flows.map((f) => f.protocol)).toEqual(['udp']);
    for (let i = 0; i < 1024; i++) feed.tcp(6_000_000 + i, 2, 40001, true, ACK, 2000 + i, 1, 1);
    expect(feed.flows.map((f) => [f.protocol, f.client.ip])).toEqual([
      ['udp', '10.0.0.3'],
      ['tcp', '10.0.0.1'],
    ]);
  });

  it('should keep a flow active past the idle timeout while it has packets', () => {
    const feed = new Feed({ tcpIdleTimeoutUs: 1_000_000 });
    for (let i = 0; i < 5000; i++) feed.tcp(i * 1000, 1, 40000, true, ACK, 1 + i, 1, 1);
    expect(feed.flows).toHaveLength(0);
    feed.analyzer.finish();
    expect(feed.flows[0]?.packets).toBe(5000);
  });

  it('should list a bounded number of anomalies and count them all', () => {
    const feed = new Feed();
    feed.tcp(0, 1, 40000, true, SYN, 100, 0);
    feed.tcp(1, 1, 40000, false, SYN | ACK, 900, 101);
    for (let i = 0; i < 1000; i++) feed.tcp(10 + i, 1, 40000, false, ACK, 901, 101, 0, 0);
    // The same data segment again and again, each time after a string of duplicate ACKs.
    for (let i = 0; i < 200; i++) feed.tcp(5000 + i, 1, 40000, true, ACK, 101, 901, 10);
    feed.analyzer.finish();
    const flow = feed.flows[0];
    expect(flow?.anomalyCounts['zero-window']).toBe(1000);
    expect(flow?.anomalyCounts['duplicate-ack']).toBe(999);
    expect(flow?.anomalyCounts['fast-retransmission']).toBe(199);
    expect(flow?.anomalies.filter((a) => a.kind === 'zero-window')).toHaveLength(8);
    expect(flow?.anomalies.length).toBeLessThanOrEqual(64);
  });

  it('should account every packet to exactly one flow whatever arrives', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.nat({ max: 5_000_000 }),
            client: fc.nat({ max: 5 }),
            port: fc.integer({ min: 40000, max: 40003 }),
            toServer: fc.boolean(),
            flags: fc.nat({ max: 255 }),
            seq: fc.nat({ max: 0xffffffff }),
            ack: fc.nat({ max: 0xffffffff }),
            length: fc.nat({ max: 3000 }),
            window: fc.nat({ max: 0xffff }),
          }),
          { maxLength: 300 },
        ),
        (packets) => {
          const feed = new Feed({
            maxActiveFlows: 16,
            closedLingerUs: 100_000,
            tcpIdleTimeoutUs: 2_000_000,
          });
          let t = 0;
          for (const p of packets) {
            t += p.dt;
            feed.tcp(t, p.client, p.port, p.toServer, p.flags, p.seq, p.ack, p.length, p.window);
          }
          const summary = feed.analyzer.finish();
          expect(feed.flows.reduce((n, f) => n + f.packets, 0)).toBe(packets.length);
          expect(summary.peakActiveFlows).toBeLessThanOrEqual(16);
          for (const flow of feed.flows) {
            expect(flow.anomalies.length).toBeLessThanOrEqual(64);
            expect(flow.firstPacket).toBeLessThanOrEqual(flow.lastPacket);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
