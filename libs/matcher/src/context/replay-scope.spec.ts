import { describe, expect, it } from 'vitest';
import { pcap, syntheticBundle, TcpConversation, timeline } from '../testing/synthetic-bundle.js';
import { conversationKey, packetsWorthReplaying } from './replay-scope.js';

describe('packetsWorthReplaying', () => {
  it('keeps the conversations that show a failure shape and leaves healthy ones out', async () => {
    const healthy = new TcpConversation('10.0.0.1:40000', '10.0.0.2:80').healthy(0);
    const reset = new TcpConversation('10.0.0.1:40001', '10.0.0.2:80')
      .syn(0.5)
      .synAck(0.501)
      .ack(0.502);
    reset.send(0.51, 'client', 100);
    reset.rst(0.52, 'server');
    const input = await syntheticBundle([
      { path: 'c.pcap', content: pcap(timeline(healthy.packets, reset.packets)) },
    ]);
    const chosen = packetsWorthReplaying(input.evidence, input.packets ?? [], 1000);
    expect(chosen.length).toBe(reset.packets.length);
    expect(new Set(chosen.map((p) => (p.srcPort === 80 ? p.dstPort : p.srcPort)))).toEqual(
      new Set([40001]),
    );
    expect(packetsWorthReplaying(input.evidence, input.packets ?? [], 2)).toHaveLength(2);
  });

  it('keys a conversation the same way from either direction', () => {
    expect(conversationKey('c', 6, '10.0.0.1', 1, '10.0.0.2', 2)).toBe(
      conversationKey('c', 6, '10.0.0.2', 2, '10.0.0.1', 1),
    );
  });
});
