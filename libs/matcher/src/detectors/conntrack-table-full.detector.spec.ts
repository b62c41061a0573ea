import { describe, expect, it } from 'vitest';
import { MatchContext, type MatchInput } from '../context/match-context.js';
import {
  TcpConversation,
  pcap,
  syntheticBundle,
  timeline,
  type SyntheticFile,
} from '../testing/synthetic-bundle.js';
import { conntrackTableFullDetector } from './conntrack-table-full.detector.js';

const SERVER = '10.20.0.9:443';

function best(input: MatchInput) {
  const found = conntrackTableFullDetector.detect(new MatchContext(input));
  return found.sort((a, b) => b.weighing.confidence - a.weighing.confidence)[0];
}

const stats = (drop: number, earlyDrop: number, insertFailed = 0) =>
  [0, 1]
    .map(
      (cpu) =>
        `cpu=${cpu}   \tfound=0 invalid=0 insert=0 insert_failed=${insertFailed} drop=${drop} early_drop=${earlyDrop} error=0 search_restart=0\n`,
    )
    .join('');
const sysctl = (count: number, max: number) =>
  `net.netfilter.nf_conntrack_count = ${count}\nnet.netfilter.nf_conntrack_max = ${max}\nnet.ipv4.tcp_syn_retries = 6\n`;
const TABLE_FULL_DMESG =
  '[ 8812.114201] nf_conntrack: nf_conntrack: table full, dropping packet\n' +
  '[ 8813.120007] nf_conntrack: nf_conntrack: table full, dropping packet\n';

/** A long-lived connection keeps carrying data while a new one's SYNs go unanswered. */
function clientCapture(): SyntheticFile {
  const established = new TcpConversation('10.10.0.5:50100', SERVER);
  established.syn(0).synAck(0.001).ack(0.002);
  for (let t = 0.5; t < 9; t += 1) {
    established.send(t, 'client', 200);
    established.ack(t + 0.001, 'server');
  }
  const failing = new TcpConversation('10.10.0.5:50200', SERVER).syn(1).syn(2).syn(4).syn(8);
  return { path: 'client.pcap', content: pcap(timeline(established.packets, failing.packets)) };
}

describe('conntrack-table-full detector', () => {
  it('names the connection whose SYNs were dropped while the kernel reported a full table', async () => {
    const input = await syntheticBundle([
      clientCapture(),
      { path: 'dmesg.txt', content: TABLE_FULL_DMESG },
      { path: 'conntrack-S.txt', content: stats(40, 12) },
      { path: 'sysctl.txt', content: sysctl(262144, 262144) },
    ]);
    const c = best(input)!;
    expect(c.flow).toEqual({ client: '10.10.0.5:50200', server: SERVER });
    expect(c.weighing.confidence).toBeGreaterThan(0.9);
    const notes = c.weighing.evidence.map((e) => e.note).join('\n');
    expect(notes).toMatch(/table was full/);
    expect(notes).toMatch(/early_drop = 24/);
    expect(notes).toMatch(/at its limit/);
    expect(notes).toMatch(/established connection kept exchanging data/);
    expect(c.narrative.some((s) => /application gave up first/.test(s.text))).toBe(true);
  });

  it('stays silent on a healthy host with a roomy table', async () => {
    const ok = new TcpConversation('10.10.0.5:50300', SERVER).healthy(0);
    const input = await syntheticBundle([
      { path: 'client.pcap', content: pcap(ok.packets) },
      { path: 'conntrack-S.txt', content: stats(0, 0) },
      { path: 'sysctl.txt', content: sysctl(812, 262144) },
    ]);
    expect(conntrackTableFullDetector.detect(new MatchContext(input))).toEqual([]);
  });

  it('keeps a nearly full table plus one late connect below even odds', async () => {
    const late = new TcpConversation('10.10.0.5:50400', SERVER)
      .syn(0)
      .syn(1)
      .synAck(1.001)
      .ack(1.002);
    const input = await syntheticBundle([
      { path: 'client.pcap', content: pcap(late.packets) },
      { path: 'sysctl.txt', content: sysctl(240000, 262144) },
    ]);
    const c = best(input);
    expect(c?.weighing.confidence ?? 0).toBeLessThan(0.5);
  });

  it('counts drops explained by insert clashes against the table, not for it', async () => {
    const input = await syntheticBundle([
      clientCapture(),
      { path: 'conntrack-S.txt', content: stats(7, 0, 7) },
      { path: 'sysctl.txt', content: sysctl(900, 262144) },
    ]);
    expect(best(input)).toBeUndefined();
  });

  it('works from the kernel log (in the wording that names the netns), counters and a client log without any capture', async () => {
    const input = await syntheticBundle([
      {
        path: 'dmesg.txt',
        content:
          '[Sun Nov 22 06:05:05 2026] nf_conntrack: nf_conntrack: table full in netns 4026532729, dropping packet\n',
      },
      { path: 'conntrack-S.txt', content: stats(40, 12) },
      {
        path: 'app.log',
        content:
          '2024-06-01T10:00:03Z error dial tcp 10.20.0.9:443: connect: connection timed out\n',
      },
    ]);
    const c = best(input)!;
    expect(c.weighing.confidence).toBeGreaterThan(0.9);
    expect(c.nextEvidence?.some((h) => /tcpdump/.test(h))).toBe(true);
    expect(c.summary).toMatch(/connections to 10\.20\.0\.9:443/);
  });
});
