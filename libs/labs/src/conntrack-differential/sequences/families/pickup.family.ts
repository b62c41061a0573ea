import { ConversationBuilder, FLAGS } from '../conversation.builder.js';
import type { SegmentDirection } from '../segment-sequence.js';
import type { FamilyContext, SequenceDraft } from './family-context.js';

const { ACK, PSH, FIN, RST } = FLAGS;

/** Flows already running when conntrack first sees them (after a flush or a reboot). */
export function midStreamFamily(ctx: FamilyContext, count = 7): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (const settings of ['default', 'strictPickup'] as const) {
    for (let i = 0; i < count; i++) {
      const c = ctx.side({ window: r.int(1000, 65535) });
      const s = ctx.side({ window: r.int(1000, 65535) });
      const b = new ConversationBuilder(c, s)
        .skip('c2s', r.int(1, 1_000_000))
        .skip('s2c', r.int(1, 1_000_000));
      const first: SegmentDirection = r.bool(0.7) ? 'c2s' : 's2c';
      const second: SegmentDirection = first === 'c2s' ? 's2c' : 'c2s';
      const kind = r.pick(['ack', 'data', 'fin', 'rst'] as const);
      if (kind === 'ack') b.ack(first);
      else if (kind === 'data') b.data(first, r.int(1, 1400));
      else if (kind === 'fin') b.raw(first, FIN | ACK, { note: 'FIN as the first packet seen' }, 1);
      else b.raw(first, RST | ACK, { note: 'RST as the first packet seen' });
      b.data(second, r.int(1, 1400)).ack(first).data(first, r.int(1, 800));
      if (r.bool(0.4))
        b.raw(second, PSH | ACK, {
          seq: b.nextSeq(second) + 200_000,
          payloadLength: 10,
          note: 'far ahead',
        });
      b.ack(second);
      out.push(
        ctx.draft({
          variant: `${kind}-${settings}`,
          description: `first packet seen is a ${first} ${kind}, tcp_loose ${settings === 'default' ? 'on' : 'off'}`,
          settings,
          segments: b.build(),
        }),
      );
    }
  }
  return out;
}
