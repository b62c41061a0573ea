import { ConversationBuilder, FLAGS } from '../conversation.builder.js';
import type { SegmentDirection } from '../segment-sequence.js';
import type { FamilyContext, SequenceDraft, SettingsName } from './family-context.js';

const { SYN, ACK, FIN, RST, PSH } = FLAGS;
const URG = 0x20;

/** Flag combinations a broken or hostile peer sends, valid ones included. */
const FLAG_SETS = [
  ACK,
  PSH | ACK,
  FIN | ACK,
  RST,
  RST | ACK,
  SYN,
  SYN | ACK,
  FIN,
  SYN | FIN,
  0,
  URG | ACK,
  FIN | PSH | ACK,
] as const;

/**
 * Segments aimed at the edges of the window checks: sequence numbers at, just inside and just
 * outside the receiver's window (scaled or not), ACKs at and around the highest sequence
 * sent and the oldest ACK still accepted (66000 or the window, whichever is larger), odd
 * flag combinations, zero windows. A seeded fuzzer: many distinct sequences per run, learnt
 * from the kernel rather than predicted.
 */
export function edgeFuzzFamily(ctx: FamilyContext, count = 70): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (let i = 0; i < count; i++) {
    const scaled = r.bool(0.5);
    const c = ctx.side({
      windowScale: scaled ? r.int(0, 8) : undefined,
      window: r.int(1000, 65535),
    });
    const s = ctx.side({
      windowScale: scaled ? r.int(0, 8) : undefined,
      window: r.int(1000, 65535),
    });
    const b = new ConversationBuilder(c, s).syn('c2s').synAck('s2c').ack('c2s');
    if (r.bool(0.7)) b.data('c2s', r.int(1, 1400)).ack('s2c');
    if (r.bool(0.5)) b.data('s2c', r.int(1, 1400)).ack('c2s');
    const mutations = r.int(2, 6);
    for (let k = 0; k < mutations; k++) {
      const dir: SegmentDirection = r.bool() ? 'c2s' : 's2c';
      const peer: SegmentDirection = dir === 'c2s' ? 's2c' : 'c2s';
      const receiver = dir === 'c2s' ? s : c;
      const sender = dir === 'c2s' ? c : s;
      const scale =
        scaled && receiver.windowScale !== undefined && sender.windowScale !== undefined
          ? receiver.windowScale
          : 0;
      const window = receiver.window * 2 ** scale;
      const maxAckWindow = Math.max(
        sender.window * 2 ** (scaled ? (sender.windowScale ?? 0) : 0),
        66000,
      );
      const len = r.pick([0, 0, 1, r.int(2, 1400)]);
      const seqOffset = r.pick([
        0,
        0,
        -1,
        1,
        window - len,
        window - len + 1,
        window,
        window + 1,
        -window,
        -window - 1,
        r.int(-3_000_000_000, 3_000_000_000),
      ]);
      const ackOffset = r.pick([
        0,
        0,
        1,
        -1,
        -maxAckWindow,
        -maxAckWindow - 1,
        -maxAckWindow + 1,
        r.int(-2_000_000_000, 2_000_000_000),
      ]);
      const flags = r.pick(FLAG_SETS);
      b.raw(dir, flags, {
        seq: b.nextSeq(dir) + seqOffset,
        ack: b.nextSeq(peer) + ackOffset,
        payloadLength: len,
        window: r.pick([sender.window, 0, r.int(1, 65535)]),
        note: `edge: seq ${seqOffset >= 0 ? '+' : ''}${seqOffset}, ack ${ackOffset >= 0 ? '+' : ''}${ackOffset}`,
      });
      if (r.bool(0.6)) {
        if (r.bool()) b.data(peer, r.int(1, 500));
        else b.ack(peer);
      }
    }
    const settings: SettingsName = r.pick([
      'default',
      'default',
      'liberal',
      'ignoreInvalidRst',
      'strictPickup',
    ]);
    out.push(
      ctx.draft({
        variant: `${scaled ? 'scaled' : 'unscaled'}-${settings}`,
        description: `${mutations} edge segments after the handshake (${settings})`,
        settings,
        segments: b.build(),
      }),
    );
  }
  return out;
}
