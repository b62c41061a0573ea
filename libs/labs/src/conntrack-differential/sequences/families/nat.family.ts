import { ConversationBuilder, FLAGS } from '../conversation.builder.js';
import { BACKEND_PORT, LAB_ADDRESSES, REDIRECT_PORT } from '../lab-addresses.js';
import type { Endpoint, NatSetup, SegmentSpec } from '../segment-sequence.js';
import type { FamilyContext, SequenceDraft } from './family-context.js';

const { SYN, ACK } = FLAGS;
const plan = LAB_ADDRESSES[4];

/**
 * Which rule of an nth chain takes the k-th new connection: each rule's counter starts at
 * every-1-packet (what iptables hands the kernel), advances on every evaluation, wraps to 0
 * after every-1, and the rule matches when it wraps (learnt from this suite's kernel runs).
 * Only used to craft the backend's answers; the verdict compared is the kernel's.
 */
export function expectedNthChoice(
  rules: readonly { every: number; packet: number }[],
  connections: number,
): number[] {
  const counters = rules.map((rule) => rule.every - 1 - rule.packet);
  const choices: number[] = [];
  for (let k = 0; k < connections; k++) {
    let chosen = rules.length; // the fallback rule after the nth rules
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as { every: number; packet: number };
      const count = counters[i] as number;
      const next = count === rule.every - 1 ? 0 : count + 1;
      counters[i] = next;
      if (next === 0) {
        chosen = i;
        break;
      }
    }
    choices.push(chosen);
  }
  return choices;
}

function match(vip: Endpoint): string {
  return `-A PREROUTING -d ${vip.address}/32 -p tcp -m tcp --dport ${vip.port}`;
}

/** A connection through the VIP: handshake, a request, the answer, then a client RST. */
function connection(
  b: ConversationBuilder,
  serverIsn: number,
  clientIsn: number,
  backend: number | undefined,
): void {
  b.raw('c2s', SYN, { seq: clientIsn, ack: 0, note: 'SYN to the VIP' }, 1);
  if (backend === undefined) {
    b.raw('c2s', SYN, { seq: clientIsn, ack: 0, note: 'SYN retransmitted' });
    return;
  }
  const note = (what: string) => `${what} (backend ${backend + 1})`;
  const replySource = { address: plan.backends[backend] ?? plan.server, port: BACKEND_PORT };
  b.raw(
    's2c',
    SYN | ACK,
    { seq: serverIsn, ack: clientIsn + 1, note: note('SYN-ACK'), replySource },
    1,
  )
    .raw('c2s', ACK, { seq: clientIsn + 1, ack: serverIsn + 1, note: 'ACK' })
    .raw('c2s', ACK | FLAGS.PSH, {
      seq: clientIsn + 1,
      ack: serverIsn + 1,
      payloadLength: 100,
      note: 'request',
    })
    .raw('s2c', ACK | FLAGS.PSH, {
      seq: serverIsn + 1,
      ack: clientIsn + 101,
      payloadLength: 300,
      note: note('answer'),
      replySource,
    })
    .raw('c2s', FLAGS.RST, { seq: clientIsn + 101, ack: 0, note: 'client resets' });
}

/** REDIRECT and DNAT with `statistic` (nth: exact; random: the choice must be allowed). */
export function natFamily(ctx: FamilyContext, count = 8): SequenceDraft[] {
  const r = ctx.rng;
  const out: SequenceDraft[] = [];
  for (let i = 0; i < count; i++) {
    // REDIRECT: answers come from the router's own address (the redirect target).
    const redirect = (vip: Endpoint): NatSetup => ({
      rules: [`${match(vip)} -j REDIRECT --to-ports ${REDIRECT_PORT}`],
      allowed: [{ address: plan.routerClientSide, port: REDIRECT_PORT }],
      random: false,
    });
    const rb = new ConversationBuilder(ctx.side(), ctx.side());
    rb.syn('c2s').synAck('s2c').ack('c2s').data('c2s', r.int(1, 500)).ack('s2c');
    if (r.bool()) rb.fin('c2s').ack('s2c');
    out.push(
      ctx.draft({
        variant: 'redirect',
        description: 'REDIRECT of a VIP port to a local port (answers from the router address)',
        settings: 'default',
        ipVersion: 4,
        toVip: true,
        nat: redirect,
        segments: rb
          .build()
          .map((segment) =>
            segment.direction === 's2c'
              ? { ...segment, replySource: { address: plan.routerClientSide, port: REDIRECT_PORT } }
              : segment,
          ),
      }),
    );

    const every = r.int(2, 4);
    const packet = r.int(0, every - 1);
    const connections = r.int(1, 4);
    const nthRules = [{ every, packet }];
    const choices = expectedNthChoice(nthRules, connections);
    const nb = new ConversationBuilder(ctx.side(), ctx.side());
    for (let k = 0; k < connections; k++)
      connection(nb, r.int(0, 0x7fffffff), k * 10_000_000 + r.int(0, 1000), choices[k]);
    out.push(
      ctx.draft({
        variant: `dnat-nth-${every}-${packet}`,
        description: `DNAT by --mode nth --every ${every} --packet ${packet}, ${connections} connections reusing the client port`,
        settings: 'default',
        ipVersion: 4,
        toVip: true,
        nat: (vip) => ({
          rules: [
            `${match(vip)} -m statistic --mode nth --every ${every} --packet ${packet} -j DNAT --to-destination ${plan.backends[0]}:${BACKEND_PORT}`,
            `${match(vip)} -j DNAT --to-destination ${plan.backends[1]}:${BACKEND_PORT}`,
          ],
          allowed: [plan.backends[0], plan.backends[1]].map((address) => ({
            address,
            port: BACKEND_PORT,
          })),
          random: false,
        }),
        segments: nb.build(),
      }),
    );

    // The reply tuple of the DNAT target is already taken by a flow picked up mid-stream
    // (backend -> client on the same ports): the kernel gives the new connection another
    // source port on the way out (the null SNAT binding's unique-tuple search).
    const taken = new ConversationBuilder(ctx.side(), ctx.side());
    taken
      .raw('s2c', ACK | FLAGS.PSH, {
        seq: 5000,
        ack: 7000,
        payloadLength: r.int(1, 200),
        note: 'backend to client, picked up mid-stream',
        replySource: { address: plan.backends[0], port: BACKEND_PORT },
      })
      .raw('c2s', SYN, { seq: 0, ack: 0, note: 'SYN to the VIP, DNAT onto a taken reply tuple' }, 1)
      .retransmit(-1, 'SYN retransmission')
      .raw('c2s', ACK, { seq: 1, ack: r.int(1, 100000), note: 'ACK without a SYN-ACK seen' });
    out.push(
      ctx.draft({
        variant: 'dnat-reply-tuple-taken',
        description: 'DNAT whose reply tuple is held by a picked-up backend flow',
        settings: 'default',
        ipVersion: 4,
        toVip: true,
        nat: (vip) => ({
          rules: [`${match(vip)} -j DNAT --to-destination ${plan.backends[0]}:${BACKEND_PORT}`],
          allowed: [{ address: plan.backends[0], port: BACKEND_PORT }],
          random: false,
        }),
        segments: taken.build(),
      }),
    );

    const probability = r.pick(['0.25', '0.50000000000', '0.75']);
    out.push(
      ctx.draft({
        variant: 'dnat-random',
        description: `DNAT by --mode random --probability ${probability} (only membership checked)`,
        settings: 'default',
        ipVersion: 4,
        toVip: true,
        nat: (vip) => ({
          rules: [
            `${match(vip)} -m statistic --mode random --probability ${probability} -j DNAT --to-destination ${plan.backends[0]}:${BACKEND_PORT}`,
            `${match(vip)} -j DNAT --to-destination ${plan.backends[2]}:${BACKEND_PORT}`,
          ],
          allowed: [plan.backends[0], plan.backends[2]].map((address) => ({
            address,
            port: BACKEND_PORT,
          })),
          random: true,
        }),
        segments: randomNatSegments(r.int(0, 2)),
      }),
    );
  }
  return out;
}

/** Client-only traffic: the backend is unknown in advance, so nothing can answer as it. */
function randomNatSegments(retransmits: number): SegmentSpec[] {
  const b = new ConversationBuilder({ window: 29200, mss: 1460 }, { window: 29200 });
  b.syn('c2s');
  for (let k = 0; k < retransmits; k++) b.retransmit(0, 'SYN retransmission');
  return b.build();
}
