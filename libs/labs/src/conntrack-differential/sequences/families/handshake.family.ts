import { ConversationBuilder, FLAGS } from '../conversation.builder.js';
import type { FamilyContext, SequenceDraft } from './family-context.js';

const { SYN, ACK } = FLAGS;

/** Opening a connection: the ordinary way, with losses and retransmissions, and the odd ways. */
export function handshakeFamily(ctx: FamilyContext, perVariant = 6): SequenceDraft[] {
  const out: SequenceDraft[] = [];
  const r = ctx.rng;
  for (let i = 0; i < perVariant; i++) {
    const c = ctx.side();
    const s = ctx.side();
    const data = r.int(1, 1200);

    out.push(
      ctx.draft({
        variant: 'normal',
        description: 'three-way handshake, one request and its answer',
        settings: 'default',
        segments: new ConversationBuilder(c, s)
          .syn('c2s')
          .synAck('s2c')
          .ack('c2s')
          .data('c2s', data)
          .ack('s2c')
          .build(),
      }),
    );

    const synRetries = r.int(1, 3);
    const b1 = new ConversationBuilder(c, s).syn('c2s');
    for (let k = 0; k < synRetries; k++) b1.wait(r.int(0, 30)).retransmit(0, 'SYN retransmission');
    out.push(
      ctx.draft({
        variant: 'syn-retransmit',
        description: `SYN sent ${synRetries + 1} times before the SYN-ACK`,
        settings: 'default',
        segments: b1.synAck('s2c').ack('c2s').data('c2s', data).build(),
      }),
    );

    const b2 = new ConversationBuilder(c, s).syn('c2s').synAck('s2c');
    for (let k = 0; k < r.int(1, 3); k++) b2.retransmit(1, 'SYN-ACK retransmission');
    out.push(
      ctx.draft({
        variant: 'synack-retransmit',
        description: 'SYN-ACK retransmitted before (and after) the client ACK',
        settings: 'default',
        segments: b2
          .ack('c2s')
          .retransmit(1, 'late SYN-ACK retransmission')
          .data('c2s', data)
          .build(),
      }),
    );

    out.push(
      ctx.draft({
        variant: 'lost-ack',
        description: 'the handshake ACK is lost; the first data segment completes it',
        settings: 'default',
        segments: new ConversationBuilder(c, s)
          .syn('c2s')
          .synAck('s2c')
          .data('c2s', data)
          .ack('s2c')
          .build(),
      }),
    );

    out.push(
      ctx.draft({
        variant: 'simultaneous-open',
        description: 'both sides send a SYN, then each a SYN-ACK',
        settings: 'default',
        segments: new ConversationBuilder(c, s)
          .syn('c2s')
          .syn('s2c')
          .raw('s2c', SYN | ACK, { seq: 0, ack: 1 })
          .raw('c2s', SYN | ACK, { seq: 0, ack: 1 })
          .ack('c2s')
          .data('s2c', r.int(1, 500))
          .build(),
      }),
    );

    out.push(
      ctx.draft({
        variant: 'syn-in-syn-sent2',
        description: 'client SYN, server SYN (SYN_SENT2), client SYN again, then SYN-ACKs',
        settings: 'default',
        segments: new ConversationBuilder(c, s)
          .syn('c2s')
          .syn('s2c')
          .retransmit(0, 'client SYN again')
          .raw('s2c', SYN | ACK, { seq: 0, ack: 1 })
          .ack('c2s')
          .build(),
      }),
    );

    out.push(
      ctx.draft({
        variant: 'rst-answers-syn',
        description: 'no listener: the server answers the SYN with RST-ACK, the client tries again',
        settings: 'default',
        segments: new ConversationBuilder(c, s)
          .syn('c2s')
          .rstAck('s2c', { seq: 0, ack: 1 })
          .wait(r.int(0, 20))
          .retransmit(0, 'new attempt with the same SYN')
          .synAck('s2c')
          .ack('c2s')
          .build(),
      }),
    );

    const badAck = r.pick([0, 2, r.int(3, 100000), -r.int(1, 1000)]);
    out.push(
      ctx.draft({
        variant: 'synack-bad-ack',
        description: `SYN-ACK acknowledging ${badAck} instead of 1, then a good one`,
        settings: 'default',
        segments: new ConversationBuilder(c, s)
          .syn('c2s')
          .raw('s2c', SYN | ACK, { ack: badAck }, 0)
          .synAck('s2c')
          .ack('c2s')
          .build(),
      }),
    );

    out.push(
      ctx.draft({
        variant: 'ack-before-synack',
        description: 'a stray ACK from the client while the SYN is unanswered',
        settings: 'default',
        segments: new ConversationBuilder(c, s)
          .syn('c2s')
          .raw('c2s', ACK, { seq: 1, ack: r.int(0, 5000) })
          .synAck('s2c')
          .ack('c2s')
          .build(),
      }),
    );

    out.push(
      ctx.draft({
        variant: 'syn-new-isn-in-syn-sent',
        description: 'a second SYN with another ISN while the first is unanswered',
        settings: 'default',
        segments: new ConversationBuilder(c, s)
          .syn('c2s')
          .raw('c2s', SYN, { seq: r.int(1000, 2_000_000_000) }, 0)
          .synAck('s2c')
          .ack('c2s')
          .build(),
      }),
    );
  }
  return out;
}
