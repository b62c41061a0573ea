import { describe, expect, it } from 'vitest';
import { TcpConversation, pcap, syntheticBundle, timeline } from './synthetic-bundle.js';

describe('syntheticBundle', () => {
  it('reads a built capture into flows and packets the way a real one is read', async () => {
    const ok = new TcpConversation('10.9.0.2:41000', '10.9.0.3:80').healthy(0);
    const lost = new TcpConversation('10.9.0.2:41002', '10.9.0.3:80').syn(0.5).syn(1.5).syn(3.5);
    const input = await syntheticBundle([
      { path: 'client.pcap', content: pcap(timeline(ok.packets, lost.packets)) },
    ]);
    const flows = input.evidence.flows;
    expect(flows).toHaveLength(2);
    expect(flows[0]!.handshake.complete).toBe(true);
    expect(flows[0]!.close.kind).toBe('fin-both');
    expect(flows[1]!.anomalies.map((a) => a.kind)).toEqual(
      expect.arrayContaining(['syn-retransmission', 'unanswered-syn']),
    );
    expect(input.packets).toHaveLength(ok.packets.length + 3);
    expect(input.packets![3]!.payloadLength).toBe(120);
  });

  it('parses text artifacts by their content', async () => {
    const input = await syntheticBundle([
      {
        path: 'a',
        content:
          'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 5 4 0.0.0.0:8080 0.0.0.0:*\n',
      },
      { path: 'b', content: '#kernel\nTcpExtListenOverflows 12 0.0\nTcpExtListenDrops 12 0.0\n' },
    ]);
    expect(input.evidence.sockets[0]).toMatchObject({ state: 'LISTEN', recvQ: 5, sendQ: 4 });
    expect(input.evidence.counters[0]!.counters['TcpExtListenOverflows']).toBe(12);
  });
});
