import { ConversationBuilder, FLAGS } from '../conversation.builder.js';
import type { SideOptions } from '../conversation.builder.js';
import type { SegmentDirection } from '../segment-sequence.js';
import type { FamilyContext, SequenceDraft } from './family-context.js';

const { RST, ACK, FIN, PSH } = FLAGS;

const other = (dir: SegmentDirection): SegmentDirection => (dir === 'c2s' ? 's2c' : 'c2s');

function established(c: SideOptions, s: SideOptions): ConversationBuilder {
  return new ConversationBuilder(c, s).syn('c2s').synAck('s2c').ack('c2s');
}

/** Resets: exact, inside and outside the window, after a FIN, before the handshake ends. */
export function rstFamily(ctx: FamilyContext, perVariant = 5): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (let i = 0; i < perVariant; i++) {
    for (const settings of ['default', 'ignoreInvalidRst'] as const) {
      const c = ctx.side({ windowScale: undefined });
      const s = ctx.side({ windowScale: undefined });
      const dir: SegmentDirection = r.bool() ? 'c2s' : 's2c';
      const receiverWindow = dir === 'c2s' ? s.window : c.window;
      const base = () => established(c, s).data('c2s', r.int(1, 800)).data('s2c', r.int(1, 800));

      const exact = base();
      out.push(
        ctx.draft({
          variant: `exact-${settings}`,
          description: `${dir} RST at exactly the next sequence number`,
          settings,
          segments: exact.rst(dir).data(other(dir), r.int(1, 100)).build(),
        }),
      );

      const inWin = base();
      const offset = r.int(1, Math.max(1, receiverWindow - 1));
      out.push(
        ctx.draft({
          variant: `in-window-${settings}`,
          description: `${dir} RST ${offset} bytes past the next sequence number, inside the window`,
          settings,
          segments: inWin
            .rst(dir, { seq: inWin.nextSeq(dir) + offset })
            .data(other(dir), r.int(1, 100))
            .rst(dir)
            .build(),
        }),
      );

      const outWin = base();
      const far = r.bool()
        ? outWin.nextSeq(dir) + receiverWindow + r.int(1, 100_000)
        : outWin.nextSeq(dir) - r.int(1, 3_000_000);
      out.push(
        ctx.draft({
          variant: `out-of-window-${settings}`,
          description: `${dir} RST out of the window (seq ${far - outWin.nextSeq(dir)} from the next)`,
          settings,
          segments: outWin.rst(dir, { seq: far }).data(other(dir), r.int(1, 100)).ack(dir).build(),
        }),
      );

      const rstAck = base();
      const ackOff = r.pick([0, 0, r.int(1, 500), -r.int(1, 500)]);
      out.push(
        ctx.draft({
          variant: `rst-ack-${settings}`,
          description: `${dir} RST-ACK acknowledging ${ackOff} off the peer's next sequence number`,
          settings,
          segments: rstAck
            .rstAck(dir, { ack: rstAck.nextSeq(other(dir)) + ackOff })
            .data(other(dir), r.int(1, 100))
            .build(),
        }),
      );

      const afterFin = base().fin(other(dir)).ack(dir);
      out.push(
        ctx.draft({
          variant: `after-fin-${settings}`,
          description: `${other(dir)} sends FIN, ${dir} acknowledges it and then resets`,
          settings,
          segments: afterFin
            .rst(dir, { seq: afterFin.nextSeq(dir) + r.pick([0, 0, 1, 2000]) })
            .ack(other(dir))
            .build(),
        }),
      );

      const early = new ConversationBuilder(c, s).syn('c2s').synAck('s2c');
      const who: SegmentDirection = r.bool() ? 'c2s' : 's2c';
      out.push(
        ctx.draft({
          variant: `before-established-${settings}`,
          description: `${who} resets in SYN_RECV (after the SYN-ACK, before the ACK)`,
          settings,
          segments: (r.bool() ? early.rst(who) : early.rstAck(who)).ack('c2s').build(),
        }),
      );

      const synSent = new ConversationBuilder(c, s).syn('c2s');
      out.push(
        ctx.draft({
          variant: `in-syn-sent-${settings}`,
          description: 'a RST (with or without ACK) from the server while only the SYN was seen',
          settings,
          segments: synSent
            .raw('s2c', r.bool() ? RST | ACK : RST, {
              seq: r.pick([0, r.int(1, 100000)]),
              ack: r.pick([1, 0, r.int(2, 9999)]),
            })
            .retransmit(0, 'SYN again')
            .build(),
        }),
      );
    }
  }
  return out;
}

/** Who closes first, both at once, FIN carrying data. */
export function finOrderFamily(ctx: FamilyContext, count = 6): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (let i = 0; i < count; i++) {
    for (const first of ['c2s', 's2c'] as const) {
      const b = established(ctx.side(), ctx.side()).data('c2s', r.int(1, 500));
      const finData = r.bool(0.3) ? r.int(1, 300) : 0;
      b.fin(first, finData).ack(other(first)).fin(other(first)).ack(first);
      if (r.bool(0.3)) b.retransmit(-2, 'FIN retransmitted in TIME_WAIT');
      out.push(
        ctx.draft({
          variant: `${first === 'c2s' ? 'client' : 'server'}-first`,
          description: `${first} closes first${finData ? ' with data on its FIN' : ''}`,
          settings: 'default',
          segments: b.build(),
        }),
      );
    }
    const sim = established(ctx.side(), ctx.side()).data('s2c', r.int(1, 500));
    const cFin = sim.nextSeq('c2s');
    const sFin = sim.nextSeq('s2c');
    sim
      .raw('c2s', FIN | ACK, { seq: cFin, ack: sFin }, 1)
      .raw('s2c', FIN | ACK, { seq: sFin, ack: cFin }, 1)
      .ack('c2s')
      .ack('s2c');
    out.push(
      ctx.draft({
        variant: 'simultaneous',
        description: 'both FINs cross on the wire, then both ACKs',
        settings: 'default',
        segments: sim.build(),
      }),
    );
    const combined = established(ctx.side(), ctx.side()).data('c2s', r.int(1, 500));
    combined.fin('s2c', r.int(0, 400)).fin('c2s').ack('s2c');
    out.push(
      ctx.draft({
        variant: 'fin-ack-fin',
        description: 'server FIN, client answers with FIN-ACK at once, server ACKs',
        settings: 'default',
        segments: combined.build(),
      }),
    );
  }
  return out;
}

/** One side closes; the other keeps sending data for a while before its own FIN. */
export function halfCloseFamily(ctx: FamilyContext, count = 10): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (let i = 0; i < count; i++) {
    const closer: SegmentDirection = r.bool(0.7) ? 'c2s' : 's2c';
    const b = established(ctx.side(), ctx.side())
      .data('c2s', r.int(1, 300))
      .fin(closer)
      .ack(other(closer));
    const more = r.int(1, 5);
    for (let k = 0; k < more; k++) b.data(other(closer), r.int(1, 1400)).ack(closer);
    if (r.bool(0.3))
      b.raw(closer, PSH | ACK, { payloadLength: r.int(1, 50), note: 'data after own FIN' });
    b.fin(other(closer)).ack(closer);
    out.push(
      ctx.draft({
        variant: 'data-after-fin',
        description: `${closer} half-closes, ${other(closer)} sends ${more} more segments, then closes`,
        settings: 'default',
        segments: b.build(),
      }),
    );
  }
  return out;
}
