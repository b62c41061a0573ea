import { ConversationBuilder, FLAGS } from '../conversation.builder.js';
import type { SideOptions } from '../conversation.builder.js';
import type { FamilyContext, SequenceDraft } from './family-context.js';

const { SYN, ACK, RST } = FLAGS;

function established(c: SideOptions, s: SideOptions): ConversationBuilder {
  return new ConversationBuilder(c, s).syn('c2s').synAck('s2c').ack('c2s');
}

/** How each closing state ends, so a new SYN on the same ports meets it. */
const CLOSINGS = {
  'time-wait': (b: ConversationBuilder) => b.fin('c2s').ack('s2c').fin('s2c').ack('c2s'),
  'fin-wait': (b: ConversationBuilder) => b.fin('c2s'),
  'fin-wait-acked': (b: ConversationBuilder) => b.fin('c2s').ack('s2c'),
  'close-wait': (b: ConversationBuilder) => b.fin('s2c').ack('c2s'),
  'last-ack': (b: ConversationBuilder) => b.fin('s2c').ack('c2s').fin('c2s'),
  close: (b: ConversationBuilder) => b.rst('c2s'),
  'close-by-server': (b: ConversationBuilder) => b.rstAck('s2c'),
} as const;

/** A new SYN on a four-tuple whose entry is still closing (port reuse). */
export function synReuseFamily(ctx: FamilyContext, perState = 4): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (const [state, close] of Object.entries(CLOSINGS)) {
    for (let i = 0; i < perState; i++) {
      const c = ctx.side();
      const b = close(established(c, ctx.side()).data('c2s', r.int(1, 800)));
      const oldNext = b.nextSeq('c2s');
      // A new ISN above the old sequence space (as Linux picks), below it, or far away.
      const newIsn = r.pick([
        oldNext + r.int(1, 100_000),
        oldNext - r.int(1, 100_000),
        r.int(0, 0xffffffff),
      ]);
      b.raw('c2s', SYN, { seq: newIsn, ack: 0, note: 'SYN reusing the ports' })
        .raw('s2c', SYN | ACK, {
          seq: r.int(0, 0xffffffff),
          ack: newIsn + 1,
          note: 'SYN-ACK of the new connection',
        })
        .raw('c2s', ACK, {
          seq: newIsn + 1,
          ack: 0,
          note: 'ACK of the new connection (ack filled below)',
        });
      const segments = b.build();
      // The last ACK must acknowledge the new server ISN: patch it now that both are known.
      const synAck = segments[segments.length - 2];
      const last = segments[segments.length - 1];
      if (synAck === undefined || last === undefined) throw new Error('reuse sequence too short');
      segments[segments.length - 1] = { ...last, ack: synAck.seq + 1 };
      out.push(
        ctx.draft({
          variant: `syn-in-${state}`,
          description: `SYN with a new ISN (${newIsn - oldNext} from the old next) while the old entry is in ${state}`,
          settings: 'default',
          segments,
        }),
      );
    }
  }
  return out;
}

/**
 * The port-reuse race of the catalogue: a SYN lands on an entry the server still holds as
 * ESTABLISHED (or FIN_WAIT), the server answers with a challenge ACK for its old connection,
 * the client resets with the sequence number from that ACK, and retries the SYN.
 */
export function challengeAckFamily(ctx: FamilyContext, count = 5): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (const settings of ['default', 'ignoreInvalidRst', 'liberal'] as const) {
    for (let i = 0; i < count; i++) {
      const b = established(ctx.side(), ctx.side()).data('s2c', r.int(1, 800)).ack('c2s');
      const fromFinWait = r.bool(0.4);
      if (fromFinWait) b.fin('s2c').ack('c2s');
      const clientNext = b.nextSeq('c2s');
      const serverNext = b.nextSeq('s2c');
      const newIsn = r.pick([clientNext + r.int(100_000, 1_000_000_000), r.int(0, 0xffffffff)]);
      b.raw('c2s', SYN, { seq: newIsn, ack: 0, note: 'SYN reusing the ports of a live connection' })
        .raw('s2c', ACK, {
          seq: serverNext,
          ack: clientNext,
          note: 'challenge ACK for the old connection',
        })
        .raw('c2s', RST, {
          seq: clientNext,
          ack: 0,
          note: 'client RST built from the challenge ACK',
        })
        .wait(r.int(0, 20))
        .raw('c2s', SYN, { seq: newIsn, ack: 0, note: 'SYN retransmitted' })
        .raw('s2c', SYN | ACK, {
          seq: 0x1000,
          ack: newIsn + 1,
          note: 'SYN-ACK of the new connection',
        })
        .raw('c2s', ACK, { seq: newIsn + 1, ack: 0x1001, note: 'ACK of the new connection' });
      out.push(
        ctx.draft({
          variant: `${fromFinWait ? 'fin-wait' : 'established'}-${settings}`,
          description: `challenge ACK exchange on an ${fromFinWait ? 'half-closed' : 'established'} entry`,
          settings,
          segments: b.build(),
        }),
      );
    }
  }
  return out;
}
