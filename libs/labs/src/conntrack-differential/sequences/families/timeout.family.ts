import { ConversationBuilder } from '../conversation.builder.js';
import type { FamilyContext, SequenceDraft, SettingsName } from './family-context.js';
import { SHRUNK_TIMEOUTS } from './family-context.js';

type Builder = ConversationBuilder;

/** Brings the entry into one state, and names the timeout that then runs. */
const STATES: Record<
  string,
  { timer: keyof typeof SHRUNK_TIMEOUTS; reach: (b: Builder) => Builder }
> = {
  'syn-sent': { timer: 'syn_sent', reach: (b) => b.syn('c2s') },
  'syn-recv': { timer: 'syn_recv', reach: (b) => b.syn('c2s').synAck('s2c') },
  established: {
    timer: 'established',
    reach: (b) => b.syn('c2s').synAck('s2c').ack('c2s').data('c2s', 10).ack('s2c'),
  },
  unacknowledged: {
    timer: 'unacknowledged',
    reach: (b) => b.syn('c2s').synAck('s2c').ack('c2s').data('c2s', 300),
  },
  'fin-wait': { timer: 'fin_wait', reach: (b) => b.syn('c2s').synAck('s2c').ack('c2s').fin('c2s') },
  'close-wait': {
    timer: 'close_wait',
    reach: (b) => b.syn('c2s').synAck('s2c').ack('c2s').fin('c2s').ack('s2c'),
  },
  'last-ack': {
    timer: 'last_ack',
    reach: (b) => b.syn('c2s').synAck('s2c').ack('c2s').fin('c2s').ack('s2c').fin('s2c'),
  },
  'time-wait': {
    timer: 'time_wait',
    reach: (b) => b.syn('c2s').synAck('s2c').ack('c2s').fin('c2s').ack('s2c').fin('s2c').ack('c2s'),
  },
  close: { timer: 'close', reach: (b) => b.syn('c2s').synAck('s2c').ack('c2s').rst('c2s') },
};

/** What arrives after the wait. */
const NEXT = {
  'client-ack': (b: Builder) => b.ack('c2s').data('s2c', 20).ack('c2s'),
  'server-data': (b: Builder) => b.data('s2c', 100).ack('c2s'),
  'client-data': (b: Builder) => b.data('c2s', 100).ack('s2c'),
  'server-ack': (b: Builder) => b.ack('s2c').data('c2s', 5),
  // The half-close leak of the catalogue: the app's late FIN after close_wait ran out.
  'server-fin': (b: Builder) => b.fin('s2c').ack('c2s'),
  'client-syn': (b: Builder) =>
    b.raw(
      'c2s',
      0x02,
      { seq: b.nextSeq('c2s') + 100_000, ack: 0, note: 'new SYN on the same ports' },
      1,
    ),
} as const;

/**
 * Entries expiring between two packets (timeouts shrunk to seconds), and the packet that
 * then finds no entry; also waits just short of the timeout.
 */
export function timeoutFamily(ctx: FamilyContext, perState = 3): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (const [state, { timer, reach }] of Object.entries(STATES)) {
    for (let i = 0; i < perState; i++) {
      const expire = i !== 1;
      const seconds = SHRUNK_TIMEOUTS[timer];
      // Margins of at least 0.6 s keep the kernel's timer granularity and the injector's
      // jitter away from the edge; the other timeouts in play are at least 2 s away.
      const waitMs = expire
        ? seconds * 1000 + r.int(700, 1300)
        : Math.max(300, seconds * 1000 - r.int(700, 1000));
      const settings: SettingsName = r.pick(['shrunk', 'shrunk', 'shrunkStrictPickup']);
      const nextKind = r.pick(Object.keys(NEXT) as (keyof typeof NEXT)[]);
      const b = reach(new ConversationBuilder(ctx.side(), ctx.side())).wait(waitMs);
      NEXT[nextKind](b);
      out.push(
        ctx.draft({
          variant: `${state}-${expire ? 'expired' : 'alive'}`,
          description: `${state} (timeout ${seconds} s), ${waitMs} ms idle, then ${nextKind} (${settings})`,
          settings,
          segments: b.build(),
        }),
      );
    }
  }
  return out;
}

/** Retransmissions beyond nf_conntrack_tcp_max_retrans arm the (shrunk) max_retrans timeout. */
export function maxRetransFamily(ctx: FamilyContext, count = 10): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (let i = 0; i < count; i++) {
    const settings: SettingsName = r.bool() ? 'shrunk' : 'shrunkMaxRetrans1';
    const times = r.int(0, 5);
    const b = new ConversationBuilder(ctx.side(), ctx.side())
      .syn('c2s')
      .synAck('s2c')
      .ack('c2s')
      .data('c2s', r.int(1, 1400));
    for (let k = 0; k < times; k++) b.retransmit(-1, 'retransmission');
    // Past max_retrans (2 s), before unacknowledged (4 s).
    b.wait(r.int(2800, 3300)).ack('s2c').data('s2c', 10).ack('c2s');
    out.push(
      ctx.draft({
        variant: `retrans-${times}-${settings}`,
        description: `data retransmitted ${times} times, then 3 s without an answer (${settings})`,
        settings,
        segments: b.build(),
      }),
    );
  }
  return out;
}
