import { ConversationBuilder, FLAGS } from '../conversation.builder.js';
import type { SegmentDirection } from '../segment-sequence.js';
import type { FamilyContext, SequenceDraft } from './family-context.js';

const { ACK, PSH } = FLAGS;

/** Windows beyond 64 KiB: only valid when both SYNs carried a window scale. */
export function windowScaleFamily(ctx: FamilyContext, count = 8): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (const scaled of ['both', 'client-only', 'none'] as const) {
    for (let i = 0; i < count; i++) {
      const cScale = scaled === 'none' ? undefined : r.int(2, 14);
      const sScale = scaled === 'both' ? r.int(2, 14) : undefined;
      const c = ctx.side({ window: r.int(20_000, 65535), windowScale: cScale });
      const s = ctx.side({ window: r.int(20_000, 65535), windowScale: sScale });
      const b = new ConversationBuilder(c, s).syn('c2s').synAck('s2c').ack('c2s');
      const dir: SegmentDirection = r.bool() ? 'c2s' : 's2c';
      const receiver = dir === 'c2s' ? s : c;
      const unscaled = receiver.window;
      const scaledWindow = unscaled * 2 ** (scaled === 'both' ? (receiver.windowScale ?? 0) : 0);
      // Somewhere past the unscaled window; inside the scaled one when scaling is on.
      const offset = r.int(
        unscaled + 1,
        Math.max(unscaled + 2, Math.min(scaledWindow, 1_000_000_000)),
      );
      b.data(dir, r.int(1, 1400))
        .raw(dir, PSH | ACK, {
          seq: b.nextSeq(dir) + offset,
          payloadLength: r.int(1, 1400),
          note: `data ${offset} bytes ahead`,
        })
        .ack(dir === 'c2s' ? 's2c' : 'c2s')
        .data(dir, 100);
      out.push(
        ctx.draft({
          variant: `scale-${scaled}`,
          description: `window scale ${scaled}, data ${offset} bytes ahead of the next sequence number`,
          settings: r.bool(0.2) ? 'liberal' : 'default',
          segments: b.build(),
        }),
      );
    }
  }
  return out;
}

/** ACKs carrying SACK blocks after a lost segment, some blocks beyond what was sent. */
export function sackFamily(ctx: FamilyContext, count = 14): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (let i = 0; i < count; i++) {
    const permitted = r.bool(0.8);
    const c = ctx.side({ sackPermitted: permitted, windowScale: r.int(0, 7) });
    const s = ctx.side({ sackPermitted: permitted, windowScale: r.int(0, 7) });
    const b = new ConversationBuilder(c, s).syn('c2s').synAck('s2c').ack('c2s');
    const lostAt = b.nextSeq('s2c');
    const lost = r.int(100, 1400);
    b.skip('s2c', lost);
    const arrived = r.int(100, 1400);
    const arrivedAt = b.nextSeq('s2c');
    b.data('s2c', arrived);
    const clientNext = b.nextSeq('c2s');
    const beyond = r.bool(0.3) ? r.int(1, 300_000) : 0;
    b.raw('c2s', ACK, {
      seq: clientNext,
      ack: lostAt,
      options: { sackBlocks: [[arrivedAt, arrivedAt + arrived + beyond]] },
      note: `duplicate ACK with a SACK block${beyond ? ` ${beyond} bytes beyond the data` : ''}`,
    })
      .raw('s2c', PSH | ACK, {
        seq: lostAt,
        payloadLength: lost,
        note: 'retransmission of the lost segment',
      })
      .ack('c2s')
      .data('s2c', r.int(1, 500))
      .ack('c2s');
    out.push(
      ctx.draft({
        variant: permitted ? 'sack' : 'sack-not-permitted',
        description: 'a lost server segment recovered through SACK',
        settings: 'default',
        segments: b.build(),
      }),
    );
  }
  return out;
}
