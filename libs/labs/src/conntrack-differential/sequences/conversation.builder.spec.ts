import { TcpFlag } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { ConversationBuilder } from './conversation.builder.js';

describe('ConversationBuilder', () => {
  const client = {
    window: 29200,
    mss: 1460,
    windowScale: 7,
    sackPermitted: true,
    timestamps: true,
  };
  const server = { window: 28960, mss: 1400 };

  it('numbers a handshake, data and a close the way two stacks would', () => {
    const segments = new ConversationBuilder(client, server)
      .syn('c2s')
      .synAck('s2c')
      .ack('c2s')
      .data('c2s', 100)
      .ack('s2c')
      .fin('s2c')
      .ack('c2s')
      .build();
    expect(segments.map((s) => [s.direction, s.flags, s.seq, s.ack, s.payloadLength])).toEqual([
      ['c2s', TcpFlag.SYN, 0, 0, 0],
      ['s2c', TcpFlag.SYN | TcpFlag.ACK, 0, 1, 0],
      ['c2s', TcpFlag.ACK, 1, 1, 0],
      ['c2s', TcpFlag.PSH | TcpFlag.ACK, 1, 1, 100],
      ['s2c', TcpFlag.ACK, 1, 101, 0],
      ['s2c', TcpFlag.FIN | TcpFlag.ACK, 1, 101, 0],
      ['c2s', TcpFlag.ACK, 101, 2, 0],
    ]);
    expect(segments[0]?.options).toMatchObject({ mss: 1460, windowScale: 7, sackPermitted: true });
    expect(segments[1]?.options).toEqual({ mss: 1400 });
    expect(segments[2]?.options.timestamp).toBeDefined();
  });

  it('does not move the sequence space for crafted segments at explicit numbers', () => {
    const b = new ConversationBuilder(client, server).syn('c2s').synAck('s2c').ack('c2s');
    b.rst('c2s', { seq: 1_000_000 }).data('c2s', 10);
    const last = b.build().at(-1);
    expect(last?.seq).toBe(1);
  });

  it('retransmits a segment unchanged but for its delay and note', () => {
    const segments = new ConversationBuilder(client, server)
      .syn('c2s')
      .wait(30)
      .retransmit(0)
      .build();
    expect(segments[1]).toMatchObject({ flags: TcpFlag.SYN, seq: 0, delayMs: 30 });
    expect(segments[1]?.note).toContain('retransmission');
  });
});
