import { readFileSync } from 'node:fs';
import type { Flow, FlowAnomalyKind } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../capture/capture.reader.js';
import { IssueCollector } from '../text/issue-collector.js';
import { collectFlows } from './analyze-capture.js';
import type { FlowAnalyzerOptions } from './flow-options.js';

// Each fixture is real traffic from the lab (__fixtures__/lab/generate-fixtures.mjs): the
// kernel wrote every packet, these tests check what the analysis makes of them.

async function analyse(name: string, options: FlowAnalyzerOptions = {}): Promise<Flow[]> {
  const issues = new IssueCollector(name);
  const result = await collectFlows(
    bytesSource(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url))),
    name,
    issues,
    { maxAnomaliesPerFlow: 100_000, maxAnomaliesPerKind: 100_000, ...options },
  );
  expect(issues.list()).toEqual([]);
  return result.flows.map((f) => f.flow);
}

function packetsOf(flow: Flow | undefined, ...kinds: FlowAnomalyKind[]): number[] {
  return (flow?.anomalies ?? [])
    .filter((a) => kinds.includes(a.kind))
    .map((a) => a.locator.packet ?? 0)
    .sort((a, b) => a - b);
}

function anomaly(flow: Flow | undefined, kind: FlowAnomalyKind) {
  return flow?.anomalies.find((a) => a.kind === kind);
}

describe('flow analysis of real captures', () => {
  it('normal close: handshake, RTT, FIN both ways, nothing unusual on IPv4', async () => {
    const [v4, v6] = await analyse('normal-close.pcap');
    expect(v4).toMatchObject({
      protocol: 'tcp',
      client: { ip: '10.70.1.2' },
      server: { ip: '10.70.2.2', port: 8080 },
      clientInferred: false,
      handshake: { complete: true },
      close: { kind: 'fin-both' },
      anomalyCounts: {},
    });
    expect(v4?.handshake.rttUs).toBeGreaterThan(0);
    expect(v4?.close.events.map((e) => [e.flag, e.direction])).toEqual([
      ['FIN', 'client-to-server'],
      ['FIN', 'server-to-client'],
    ]);
    expect(v4?.toServer).toMatchObject({ windowScale: 10, mss: 1460, sackPermitted: true });
    expect(v4?.toClient.payloadBytes).toBe(200 + 5000 + 40000);
    // The IPv6 SYN waited for neighbour discovery at the router, and the client resent it.
    expect(v6).toMatchObject({
      client: { ip: 'fd70:1::2' },
      server: { ip: 'fd70:2::2' },
      close: { kind: 'fin-both' },
    });
    expect(anomaly(v6, 'syn-retransmission')?.relatedPacket).toBe(v6?.handshake.synPacket);
  });

  it('half-close: the client FIN, then the server streams, each segment data after FIN', async () => {
    const [flow] = await analyse('half-close.pcap');
    const fin = flow?.toServer.finPacket;
    expect(flow?.close).toMatchObject({ kind: 'fin-both' });
    expect(flow?.close.events[0]).toMatchObject({
      flag: 'FIN',
      direction: 'client-to-server',
      packet: fin,
    });
    const halfClose = anomaly(flow, 'half-close');
    expect(halfClose).toMatchObject({ direction: 'server-to-client', relatedPacket: fin });
    expect(halfClose?.note).toContain('client half-closed');
    expect(flow?.anomalyCounts['half-close']).toBe(1);
    // 300000 bytes after the FIN, in 1448-byte segments (and the odd short one).
    expect(flow?.anomalyCounts['data-after-fin']).toBeGreaterThanOrEqual(Math.ceil(300_000 / 1448));
    expect(flow?.toClient.payloadBytes).toBe(300_000);
  });

  it('RST abort: server reset (SO_LINGER 0) and client reset, each answering the last packet', async () => {
    const [server, client] = await analyse('rst-abort.pcap');
    expect(server?.close.kind).toBe('rst-by-server');
    const rst = anomaly(server, 'rst-ack');
    expect(rst).toMatchObject({
      direction: 'server-to-client',
      relatedPacket: server!.lastPacket - 1,
    });
    expect(client?.close.kind).toBe('rst-by-client');
    expect(anomaly(client, 'rst-ack')?.note).toContain("answering the server's data");
    expect(client?.toClient.rstPacket).toBeUndefined();
    expect(client?.toServer.rstPacket).toBe(client?.lastPacket);
  });

  it('close with unread data: RST+ACK instead of FIN, long after the data it never read', async () => {
    const [flow] = await analyse('unread-close-rst.pcap');
    expect(flow?.close.kind).toBe('rst-by-server');
    expect(flow?.toClient.finPacket).toBeUndefined();
    const rst = anomaly(flow, 'rst-ack');
    expect(rst?.note).toContain('not an immediate answer');
    expect(rst?.note).toContain('data (104 bytes)');
    expect(flow?.toServer.payloadBytes).toBe(3000);
  });

  it('refused: SYN answered by RST+ACK, IPv4 and IPv6', async () => {
    const flows = await analyse('refused.pcap');
    expect(flows).toHaveLength(2);
    for (const flow of flows) {
      expect(flow).toMatchObject({
        close: { kind: 'refused' },
        handshake: { complete: false },
        packets: 2,
      });
      expect(anomaly(flow, 'refused')).toMatchObject({
        relatedPacket: flow.firstPacket,
        direction: 'server-to-client',
      });
      expect(anomaly(flow, 'rst-ack')?.relatedPacket).toBe(flow.firstPacket);
    }
  });

  it('zero-window stall: window full, zero windows, probes, then the window reopens', async () => {
    const [flow] = await analyse('zero-window.pcap');
    expect(flow?.anomalyCounts).toMatchObject({
      'window-full': 1,
      'zero-window': 3,
      'zero-window-probe': 3,
    });
    const full = packetsOf(flow, 'window-full')[0] ?? 0;
    expect(packetsOf(flow, 'zero-window')[0]).toBe(full + 1);
    for (const probe of flow?.anomalies.filter((a) => a.kind === 'zero-window-probe') ?? [])
      expect(probe.direction).toBe('client-to-server');
    expect(flow?.anomalyCounts.keepalive).toBeUndefined();
    expect(flow?.close.kind).toBe('fin-both');
  });

  it('loss and reordering: holes, fast retransmissions, reordered segments, duplicate ACKs', async () => {
    const [flow] = await analyse('loss-reorder.pcap');
    const counts = flow?.anomalyCounts ?? {};
    expect(counts['previous-segment-not-captured']).toBeGreaterThan(0);
    expect(counts['out-of-order']).toBeGreaterThan(0);
    expect(counts['fast-retransmission']).toBeGreaterThan(0);
    expect(counts.retransmission).toBeGreaterThan(0);
    expect(counts['duplicate-ack']).toBeGreaterThan(0);
    // A fast retransmission follows the duplicate ACKs that asked for it.
    const fast = packetsOf(flow, 'fast-retransmission')[0] ?? 0;
    expect(packetsOf(flow, 'duplicate-ack').some((p) => p < fast)).toBe(true);
    // A retransmission of a segment the capture saw names the original.
    expect(
      flow?.anomalies.some((a) => a.kind === 'retransmission' && a.relatedPacket !== undefined),
    ).toBe(true);
  });

  it('keep-alive: probes and their ACKs; idle gaps only past the threshold', async () => {
    const [flow] = await analyse('keepalive-idle.pcap');
    expect(flow?.anomalyCounts).toMatchObject({ keepalive: 3, 'keepalive-ack': 3 });
    expect(flow?.anomalyCounts['idle-gap']).toBeUndefined();
    for (const probe of packetsOf(flow, 'keepalive'))
      expect(packetsOf(flow, 'keepalive-ack')).toContain(probe + 1);
    const [short] = await analyse('keepalive-idle.pcap', { idleGapUs: 900_000 });
    const gaps = short?.anomalies.filter((a) => a.kind === 'idle-gap') ?? [];
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap.intervalUs).toBeGreaterThan(900_000);
  });

  it('unanswered SYN: the retransmission schedule, and no answer', async () => {
    const [flow] = await analyse('syn-unanswered.pcap');
    expect(flow).toMatchObject({
      close: { kind: 'unanswered' },
      handshake: { complete: false },
      packets: 6,
    });
    const retries = flow?.anomalies.filter((a) => a.kind === 'syn-retransmission') ?? [];
    expect(retries).toHaveLength(5);
    // This kernel (6.x) retries with linear 1 s timeouts first (tcp_syn_linear_timeouts).
    for (const retry of retries)
      expect(Math.round((retry.intervalUs ?? 0) / 1e5) / 10).toBeCloseTo(1, 0);
    expect(anomaly(flow, 'unanswered-syn')?.note).toContain('6 SYN(s)');
  });

  it('ICMP errors from an iptables REJECT are tied to their TCP and UDP flows', async () => {
    const flows = await analyse('icmp-reject.pcap');
    const [syn, udp4, udp6, udpKernel, established] = flows;
    expect(syn).toMatchObject({
      protocol: 'tcp',
      server: { port: 9999 },
      close: { kind: 'unanswered' },
    });
    expect(anomaly(syn, 'icmp-error')).toMatchObject({
      relatedPacket: syn?.firstPacket,
      direction: 'client-to-server',
    });
    expect(anomaly(syn, 'icmp-error')?.note).toContain('port-unreachable');
    for (const flow of [udp4, udp6, udpKernel]) {
      expect(flow?.protocol).toBe('udp');
      expect(anomaly(flow, 'icmp-error')?.relatedPacket).toBe(flow?.firstPacket);
    }
    expect(udp6?.server.ip).toBe('fd70:2::2');
    // Mid-connection, each retransmission of the rejected segment meets another ICMP error.
    expect(established?.handshake.complete).toBe(true);
    expect(established?.anomalyCounts['icmp-error']).toBe(5);
    expect(established?.anomalyCounts.retransmission).toBe(4);
  });

  it('port reuse: a new SYN meets an old connection, challenge ACKs, RST, then success', async () => {
    const flows = await analyse('port-reuse-challenge-ack.pcap');
    const old = flows.find((f) => f.firstPacket === 1);
    const reused = flows.find((f) => f.anomalyCounts['port-reuse'] === 1);
    expect(old?.close.kind).toBe('open');
    expect(reused?.client).toEqual(old?.client);
    expect(anomaly(reused, 'port-reuse')?.note).toContain(old!.id);
    expect(anomaly(reused, 'port-reuse')?.note).toContain('still established');
    const challenges = reused?.anomalies.filter((a) => a.kind === 'challenge-ack') ?? [];
    expect(challenges.length).toBe(3);
    for (const c of challenges) {
      expect(c.direction).toBe('server-to-client');
      expect(c.relatedPacket).toBe((c.locator.packet ?? 0) - 1);
    }
    const rst = anomaly(reused, 'rst');
    expect(rst?.relatedPacket).toBe(challenges.at(-1)?.locator.packet);
    expect(reused?.anomalyCounts['syn-retransmission']).toBe(4);
    expect(reused?.handshake.complete).toBe(true);
    expect(reused?.close.kind).toBe('fin-both');
    expect(reused?.anomalyCounts['duplicate-ack']).toBeUndefined();
  });

  it('mid-stream pickup: the ephemeral port is taken as the client', async () => {
    const name = 'normal-close.pcap';
    const bytes = readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));
    // Drop the first 12 records: the capture starts inside the first connection.
    let at = 24;
    for (let i = 0; i < 12; i++) at += 16 + bytes.readUInt32LE(at + 8);
    const cut = Buffer.concat([bytes.subarray(0, 24), bytes.subarray(at)]);
    const issues = new IssueCollector(name);
    const { flows } = await collectFlows(bytesSource(cut), name, issues);
    const first = flows[0]?.flow;
    expect(first).toMatchObject({ clientInferred: true, server: { ip: '10.70.2.2', port: 8080 } });
    expect(first?.handshake).toEqual({ complete: false });
    expect(first?.toServer.initialSeq).toBeUndefined();
  });
});
