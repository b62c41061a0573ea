import { ConversationBuilder, FLAGS } from '../conversation.builder.js';
import type { SideOptions } from '../conversation.builder.js';
import type { SegmentDirection } from '../segment-sequence.js';
import type { FamilyContext, SequenceDraft, SettingsName } from './family-context.js';

const { ACK, PSH } = FLAGS;

function established(c: SideOptions, s: SideOptions): ConversationBuilder {
  return new ConversationBuilder(c, s).syn('c2s').synAck('s2c').ack('c2s');
}

/** Data both ways, with retransmissions of earlier segments and duplicate ACKs. */
export function dataTransferFamily(ctx: FamilyContext, count = 24): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (let i = 0; i < count; i++) {
    const b = established(ctx.side(), ctx.side());
    const steps = r.int(4, 10);
    for (let k = 0; k < steps; k++) {
      const dir: SegmentDirection = r.bool() ? 'c2s' : 's2c';
      const roll = r.next();
      if (roll < 0.55) b.data(dir, r.int(1, 1400));
      else if (roll < 0.75) b.ack(dir);
      else b.retransmit(r.int(2, 2 + k), 'retransmission of an earlier segment');
    }
    out.push(
      ctx.draft({
        variant: 'mixed',
        description: `${steps} steps of data, ACKs and retransmissions`,
        settings: 'default',
        segments: b.build(),
      }),
    );
  }
  return out;
}

/** Segments whose sequence numbers leave the receiver's window, above or below. */
export function outOfWindowFamily(ctx: FamilyContext, count = 12): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (const settings of ['default', 'liberal'] as const satisfies readonly SettingsName[]) {
    for (let i = 0; i < count; i++) {
      const c = ctx.side({ windowScale: undefined });
      const s = ctx.side({ windowScale: undefined });
      const b = established(c, s).data('c2s', r.int(1, 1000)).ack('s2c');
      const dir: SegmentDirection = r.bool() ? 'c2s' : 's2c';
      const receiverWindow = dir === 'c2s' ? s.window : c.window;
      const above = r.bool();
      const len = r.int(1, 1000);
      const next = b.nextSeq(dir);
      const seq = above
        ? next + receiverWindow + r.pick([1, r.int(2, 100), r.int(1000, 1_000_000)])
        : next - r.pick([receiverWindow + r.int(1, 5000), r.int(70_000, 2_000_000_000)]);
      b.raw(dir, PSH | ACK, {
        seq,
        payloadLength: len,
        note: above ? 'data above the window' : 'data below the window',
      })
        .data(dir, r.int(1, 200))
        .ack(dir === 'c2s' ? 's2c' : 'c2s');
      out.push(
        ctx.draft({
          variant: `${above ? 'above' : 'below'}-${settings}`,
          description: `${dir} data ${above ? 'above' : 'below'} the receiver window, be_liberal ${settings === 'liberal' ? 'on' : 'off'}`,
          settings,
          segments: b.build(),
        }),
      );
    }
  }
  return out;
}

/** ACK numbers acknowledging data never sent, or far behind what was acknowledged. */
export function ackBoundsFamily(ctx: FamilyContext, count = 20): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (let i = 0; i < count; i++) {
    const c = ctx.side();
    const s = ctx.side();
    const b = established(c, s).data('s2c', r.int(100, 1400)).ack('c2s');
    const dir: SegmentDirection = r.bool() ? 'c2s' : 's2c';
    const other: SegmentDirection = dir === 'c2s' ? 's2c' : 'c2s';
    const peerNext = b.nextSeq(other);
    const above = r.bool();
    const ack = above
      ? peerNext + r.pick([1, r.int(2, 1000), r.int(70_000, 500_000_000)])
      : peerNext -
        r.pick([r.int(1, 1000), r.int(70_000, 500_000), r.int(1_000_000, 1_500_000_000)]);
    const withData = r.bool(0.4);
    b.raw(dir, withData ? PSH | ACK : ACK, {
      ack,
      payloadLength: withData ? r.int(1, 500) : 0,
      note: `ACK ${above ? 'above' : 'below'} the bound`,
    })
      .data(other, r.int(1, 300))
      .ack(dir);
    out.push(
      ctx.draft({
        variant: above ? 'ack-above' : 'ack-below',
        description: `${dir} acknowledges ${ack - peerNext} relative to what was sent`,
        settings: r.bool(0.2) ? 'liberal' : 'default',
        segments: b.build(),
      }),
    );
  }
  return out;
}

/** The same segment retransmitted again and again (retransmission counting). */
export function retransmissionFamily(ctx: FamilyContext, count = 8): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (const settings of ['default', 'maxRetrans1'] as const) {
    for (let i = 0; i < count; i++) {
      const dir: SegmentDirection = r.bool() ? 'c2s' : 's2c';
      const b = established(ctx.side(), ctx.side()).data(dir, r.int(1, 1400));
      const times = r.int(1, 5);
      for (let k = 0; k < times; k++) b.retransmit(-1, 'retransmission');
      b.ack(dir === 'c2s' ? 's2c' : 'c2s').data(dir, r.int(1, 100));
      out.push(
        ctx.draft({
          variant: `retransmit-${settings}`,
          description: `${dir} data retransmitted ${times} times before being acknowledged`,
          settings,
          segments: b.build(),
        }),
      );
    }
  }
  return out;
}
