import { ConversationBuilder } from '../conversation.builder.js';
import type { Endpoint } from '../segment-sequence.js';
import type { FamilyContext, SequenceDraft } from './family-context.js';

/** Which packets the raw table exempts from tracking. */
const SCOPES = {
  // Both directions: nothing of the flow reaches conntrack (UNTRACKED throughout).
  'both-directions': (client: Endpoint, server: Endpoint) => [
    `-A PREROUTING -s ${client.address}/32 -p tcp -m tcp --sport ${client.port} -j CT --notrack`,
    `-A PREROUTING -s ${server.address}/32 -p tcp -m tcp --sport ${server.port} -j NOTRACK`,
  ],
  // Client side only: the server's answers meet conntrack with no SYN ever seen.
  'client-only': (client: Endpoint) => [
    `-A PREROUTING -s ${client.address}/32 -p tcp -m tcp --sport ${client.port} -j CT --notrack`,
  ],
  // Only FIN segments of the client: conntrack never learns that the client closed.
  'client-fins': (client: Endpoint) => [
    `-A PREROUTING -s ${client.address}/32 -p tcp -m tcp --sport ${client.port} --tcp-flags FIN FIN -j CT --notrack`,
  ],
} as const;

/** Flows exempted from conntrack in the raw table, wholly or in part (ctinfo UNTRACKED). */
export function notrackFamily(ctx: FamilyContext, perScope = 5): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (const [scope, rules] of Object.entries(SCOPES)) {
    for (let i = 0; i < perScope; i++) {
      const b = new ConversationBuilder(ctx.side(), ctx.side()).syn('c2s').synAck('s2c').ack('c2s');
      b.data('c2s', r.int(1, 1000)).ack('s2c').data('s2c', r.int(1, 1000));
      if (r.bool()) b.fin('c2s').ack('s2c').fin('s2c').ack('c2s');
      else b.fin('s2c').ack('c2s').data('c2s', r.int(1, 100)).fin('c2s').ack('s2c');
      out.push(
        ctx.draft({
          variant: scope,
          description: `raw table NOTRACK for ${scope.replace('-', ' ')}`,
          settings: r.bool(0.3) ? 'strictPickup' : 'default',
          ipVersion: 4,
          rawRules: (client, server) => rules(client, server),
          segments: b.build(),
        }),
      );
    }
  }
  return out;
}
