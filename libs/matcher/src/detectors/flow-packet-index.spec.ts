import { describe, expect, it } from 'vitest';
import { MatchContext } from '../context/match-context.js';
import { TcpConversation, pcap, syntheticBundle, timeline } from '../testing/synthetic-bundle.js';
import { packetsByFlow } from './flow-packet-index.js';

describe('packetsByFlow', () => {
  it('hands each flow its own packets, also when two flows reuse one 4-tuple', async () => {
    const a = new TcpConversation('10.9.0.2:41000', '10.9.0.3:80').healthy(0);
    const b = new TcpConversation('10.9.0.2:41002', '10.9.0.3:80').healthy(0.005);
    const again = new TcpConversation('10.9.0.2:41000', '10.9.0.3:80', {
      client: 50_000,
      server: 60_000,
    }).healthy(5);
    const input = await syntheticBundle([
      { path: 'c.pcap', content: pcap(timeline(a.packets, b.packets, again.packets)) },
    ]);
    const context = new MatchContext(input);
    const flows = context.evidence.flows;
    expect(flows).toHaveLength(3);
    const index = packetsByFlow(context, flows);
    expect(flows.map((f) => index.get(f)!.length)).toEqual([
      a.packets.length,
      b.packets.length,
      again.packets.length,
    ]);
  });
});
