import { describe, expect, it } from 'vitest';
import { MatchContext, type MatchInput } from '../context/match-context.js';
import {
  TcpConversation,
  pcap,
  syntheticBundle,
  timeline,
  type SyntheticPacket,
} from '../testing/synthetic-bundle.js';
import { snatPortCollisionDetector } from './snat-port-collision.detector.js';

const SERVER = '198.51.100.7:443';

function best(input: MatchInput) {
  const found = snatPortCollisionDetector.detect(new MatchContext(input));
  return found.sort((a, b) => b.weighing.confidence - a.weighing.confidence)[0];
}

const stats = (insertFailed: number, extra = '') =>
  `cpu=0   \tfound=3 invalid=0 insert=0 insert_failed=${insertFailed} drop=${insertFailed} early_drop=0 error=0 search_restart=0${extra}\n`;
const masquerade = (options = '') =>
  `*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n` +
  `-A POSTROUTING -s 10.10.0.0/16 -o eth1 -j MASQUERADE${options}\nCOMMIT\n`;

/** Two pods pick the same source port towards one server at the same instant; one SYN is lost. */
function racingPods(): SyntheticPacket[] {
  const winner = new TcpConversation('10.10.0.5:40000', SERVER).healthy(0);
  const loser = new TcpConversation('10.10.0.6:40000', SERVER, { client: 7_000, server: 800_000 });
  loser.syn(0.0004).syn(1.0404).synAck(1.0414).ack(1.0415);
  return timeline(winner.packets, loser.packets);
}

describe('snat-port-collision detector', () => {
  it('ties a SYN lost once and retried after 1 s to insert_failed rising behind a plain MASQUERADE', async () => {
    const input = await syntheticBundle([
      { path: 'node.pcap', content: pcap(racingPods()) },
      { path: 'before-conntrack-S.txt', content: stats(0) },
      { path: 'conntrack-S.txt', content: stats(1) },
      { path: 'iptables-save.txt', content: masquerade() },
    ]);
    const c = best(input)!;
    expect(c.flow).toEqual({ client: '10.10.0.6:40000', server: SERVER });
    expect(c.weighing.confidence).toBeGreaterThan(0.9);
    const notes = c.weighing.evidence.map((e) => e.note).join('\n');
    expect(notes).toMatch(/insert_failed = 1 \(\+1 between snapshots\)/);
    expect(notes).toMatch(/without --random-fully/);
    expect(notes).toMatch(/same source port/);
  });

  it('is silent on a healthy host whose SNAT picks ports at random', async () => {
    const ok = new TcpConversation('10.10.0.5:40100', SERVER).healthy(0);
    const input = await syntheticBundle([
      { path: 'node.pcap', content: pcap(ok.packets) },
      { path: 'conntrack-S.txt', content: stats(0) },
      { path: 'iptables-save.txt', content: masquerade(' --random-fully') },
    ]);
    expect(snatPortCollisionDetector.detect(new MatchContext(input))).toEqual([]);
  });

  it('keeps a plain MASQUERADE and one late SYN below even odds without conntrack counters', async () => {
    const late = new TcpConversation('10.10.0.6:40200', SERVER)
      .syn(0)
      .syn(1.01)
      .synAck(1.011)
      .ack(1.012);
    const input = await syntheticBundle([
      { path: 'node.pcap', content: pcap(late.packets) },
      { path: 'iptables-save.txt', content: masquerade() },
    ]);
    expect(best(input)!.weighing.confidence).toBeLessThan(0.5);
  });

  it('lets conntrack -S with no failed insert speak against a retried SYN', async () => {
    const input = await syntheticBundle([
      { path: 'node.pcap', content: pcap(racingPods()) },
      { path: 'conntrack-S.txt', content: stats(0) },
      { path: 'iptables-save.txt', content: masquerade() },
    ]);
    expect(best(input)!.weighing.confidence).toBeLessThan(0.3);
  });

  it('recognises parallel DNS queries of which one is dropped and asked again after 5 s', async () => {
    const client = '10.10.0.5:53001';
    const dns = '10.96.0.10:53';
    const packets: SyntheticPacket[] = [
      { t: 0, src: client, dst: dns, udp: true, payload: 40 },
      { t: 0.00002, src: client, dst: dns, udp: true, payload: 40 },
      { t: 0.002, src: dns, dst: client, udp: true, payload: 90 },
      { t: 5.001, src: client, dst: dns, udp: true, payload: 40 },
      { t: 5.003, src: dns, dst: client, udp: true, payload: 120 },
    ];
    const input = await syntheticBundle([
      { path: 'pod.pcap', content: pcap(packets) },
      { path: 'conntrack-S.txt', content: stats(4) },
    ]);
    const c = best(input)!;
    expect(c.flow).toEqual({ client, server: dns });
    expect(c.weighing.confidence).toBeGreaterThan(0.7);
    expect(c.summary).toMatch(/sent again 5\.0 s later/);
  });

  it('takes two origins translated to one reply tuple in conntrack -E as the mechanism itself', async () => {
    const line = (t: number, src: string, sport: number, natPort: number) =>
      `[${t}]\t    [NEW] tcp      6 120 SYN_SENT src=${src} dst=198.51.100.7 sport=${sport} dport=443 [UNREPLIED] src=198.51.100.7 dst=192.0.2.1 sport=443 dport=${natPort}\n`;
    const input = await syntheticBundle([
      {
        path: 'events.txt',
        content:
          line(1717000000.1, '10.10.0.5', 40000, 40000) +
          line(1717000000.1001, '10.10.0.6', 40000, 40000),
      },
      { path: 'conntrack-S.txt', content: stats(1) },
    ]);
    const c = best(input)!;
    expect(c.flow).toEqual({ client: '10.10.0.6:40000', server: SERVER });
    expect(c.weighing.confidence).toBeGreaterThan(0.9);
  });
});
