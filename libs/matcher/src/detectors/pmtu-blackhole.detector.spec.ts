import { describe, expect, it } from 'vitest';
import { MatchContext, type MatchInput } from '../context/match-context.js';
import {
  TcpConversation,
  pcap,
  syntheticBundle,
  type SyntheticPacket,
} from '../testing/synthetic-bundle.js';
import { pmtuBlackholeDetector } from './pmtu-blackhole.detector.js';

const CLIENT = '10.40.0.3:46000';
const SERVER = '10.40.9.8:8080';
const ICMP_DROP =
  '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p icmp -m icmp --icmp-type 3/4 -j DROP\nCOMMIT\n';

function best(input: MatchInput) {
  const found = pmtuBlackholeDetector.detect(new MatchContext(input));
  return found.sort((a, b) => b.weighing.confidence - a.weighing.confidence)[0];
}

/** The server answers a request with a small header segment, then full-size ones that vanish. */
function download(
  options: { smallAfter?: 'acked' | 'lost'; icmpMtu?: number } = {},
): SyntheticPacket[] {
  const c = new TcpConversation(CLIENT, SERVER).syn(0).synAck(0.001).ack(0.002);
  c.send(0.003, 'client', 120);
  c.ack(0.004, 'server');
  c.send(0.01, 'server', 300);
  c.ack(0.011, 'client');
  const big = c.send(0.02, 'server', 1448);
  const extra: SyntheticPacket[] = [];
  if (options.icmpMtu)
    extra.push({
      t: 0.021,
      src: '10.40.5.1',
      dst: '10.40.9.8',
      icmp: {
        type: 3,
        code: 4,
        mtu: options.icmpMtu,
        quoted: { src: '10.40.9.8:8080', dst: CLIENT, seq: big, length: 1448 },
      },
    });
  if (options.smallAfter) {
    const tail = c.send(0.03, 'server', 200);
    if (options.smallAfter === 'acked') c.ackUpTo(0.031, 'client', big, [[tail, tail + 200]]);
    else c.retransmit(0.5, 'server', tail, 200).retransmit(1.5, 'server', tail, 200);
  }
  for (const t of [0.25, 0.7, 1.6, 3.4, 7]) c.retransmit(t, 'server', big, 1448);
  c.fin(10, 'client', big);
  return [...c.packets, ...extra].sort((a, b) => a.t - b.t);
}

describe('pmtu-blackhole detector', () => {
  it('sees full-size segments vanish while small ones pass, with ICMP dropped and MTU probing off', async () => {
    const input = await syntheticBundle([
      { path: 'server.pcap', content: pcap(download({ smallAfter: 'acked' })) },
      { path: 'iptables-save.txt', content: ICMP_DROP },
      { path: 'sysctl.txt', content: 'net.ipv4.tcp_mtu_probing = 0\n' },
    ]);
    const c = best(input)!;
    expect(c.flow).toEqual({ client: CLIENT, server: SERVER });
    expect(c.weighing.confidence).toBeGreaterThan(0.9);
    const notes = c.weighing.evidence.map((e) => e.note).join('\n');
    expect(notes).toMatch(/1448 bytes of payload, 1488-byte IP packet; MSS 1460\) sent 6 times/);
    expect(notes).toMatch(/segments up to 300 bytes got through/);
    expect(notes).toMatch(/smaller segment \(200 bytes\) sent after it got through/);
    expect(notes).toMatch(/ICMP errors are dropped here/);
  });

  it('reads a captured frag-needed error the sender ignored against the size of its packets', async () => {
    const input = await syntheticBundle([
      { path: 'server.pcap', content: pcap(download({ icmpMtu: 1400 })) },
    ]);
    const c = best(input)!;
    expect(c.weighing.evidence.map((e) => e.note).join('\n')).toMatch(
      /path MTU is 1400, the segment needs 1488/,
    );
    expect(c.weighing.confidence).toBeGreaterThan(0.9);
  });

  it('does not blame the MTU when small segments are lost as well', async () => {
    const input = await syntheticBundle([
      { path: 'server.pcap', content: pcap(download({ smallAfter: 'lost' })) },
    ]);
    expect(best(input)?.weighing.confidence ?? 0).toBeLessThan(0.5);
  });

  it('is silent on a transfer whose lost segment is recovered', async () => {
    const c = new TcpConversation(CLIENT, SERVER).syn(0).synAck(0.001).ack(0.002);
    c.send(0.003, 'client', 120);
    const first = c.send(0.01, 'server', 1448);
    c.send(0.011, 'server', 1448);
    c.retransmit(0.25, 'server', first, 1448).retransmit(0.7, 'server', first, 1448);
    c.ack(0.701, 'client');
    c.fin(1, 'client').fin(1.001, 'server').ack(1.002, 'client');
    const input = await syntheticBundle([{ path: 'server.pcap', content: pcap(c.packets) }]);
    expect(pmtuBlackholeDetector.detect(new MatchContext(input))).toEqual([]);
  });
  it('sees the black hole from the receiving side: a gap of full-size data never filled, small segments past it', async () => {
    const c = new TcpConversation(CLIENT, SERVER).syn(0).synAck(0.001).ack(0.002);
    c.send(0.003, 'client', 120);
    c.ack(0.004, 'server');
    c.send(0.01, 'server', 300);
    c.ack(0.011, 'client');
    const missing = c.send(0.02, 'server', 1448);
    c.send(0.0201, 'server', 1448);
    const tail = c.send(0.0202, 'server', 200);
    // The receiver's capture: the two full-size segments never arrive.
    const seen = c.packets.filter((p) => !(p.src === SERVER && p.payload === 1448));
    const asks = [0.03, 0.25, 0.7].map((t) => ({
      t,
      src: CLIENT,
      dst: SERVER,
      tcp: { flags: 'A', seq: 1121, ack: missing, sack: [[tail, tail + 200]] as const },
    }));
    const fin = { t: 9, src: CLIENT, dst: SERVER, tcp: { flags: 'FA', seq: 1121, ack: missing } };
    const input = await syntheticBundle([
      { path: 'client.pcap', content: pcap([...seen, ...asks, fin].sort((a, b) => a.t - b.t)) },
    ]);
    const found = best(input)!;
    expect(found.flow).toEqual({ client: CLIENT, server: SERVER });
    expect(found.weighing.confidence).toBeGreaterThan(0.9);
    expect(found.summary).toMatch(/2896 bytes of the server's data never arrived/);
  });
});
