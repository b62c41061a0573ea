import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Rule, Ruleset } from '@netmortem/domain';
import { collectBundleEvidence } from '@netmortem/evidence';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRuleMatches } from './match-compiler.js';
import { groupMatches, type MatchCompileEnv, type MatchStep } from './match-types.js';
import type {
  ConntrackView,
  EvaluationEnvironment,
  Hook,
  PacketHeaders,
} from './netfilter-types.js';
import {
  AddressCache,
  createPacketContext,
  LocalAddressIndex,
  type PacketContext,
} from './packet-context.js';

const ours = new URL('./__fixtures__/', import.meta.url);
const parserFixtures = new URL(
  '../../../evidence/src/parsers/rulesets/__fixtures__/',
  import.meta.url,
);

async function load(file: string, root: URL): Promise<Ruleset> {
  const bytes = readFileSync(new URL(file, root));
  const evidence = await collectBundleEvidence([
    {
      path: file,
      sizeBytes: bytes.length,
      kind: 'iptables-save',
      open: () => Promise.resolve(Readable.from([bytes])),
    },
  ]);
  return evidence.rulesets[0]!;
}

let rules: Rule[] = [];
/** A real rule from the fixtures, found by the text of its line. */
function rule(fragment: string): Rule {
  const found = rules.filter((r) => r.raw.includes(fragment));
  if (found.length !== 1) throw new Error(`${found.length} rules contain "${fragment}"`);
  return found[0]!;
}

function compile(fragment: string, family: 4 | 6 = 4): MatchStep[] {
  const counters: number[] = [];
  const env: MatchCompileEnv = {
    family,
    counters,
    allocateCounter: (initial) => counters.push(initial) - 1,
  };
  return compileRuleMatches(rule(fragment).matches, env);
}

const environment: EvaluationEnvironment = {
  localAddresses: new Set(['192.168.1.10']),
  random: () => 0,
};

function context(
  packet: Partial<PacketHeaders>,
  ct: Partial<ConntrackView> = {},
  hook: Hook = 'INPUT',
  env = environment,
): PacketContext {
  const cache = new AddressCache();
  return createPacketContext(
    {
      family: 4,
      protocol: 6,
      src: '10.0.0.5',
      dst: '192.168.1.10',
      srcPort: 40000,
      dstPort: 80,
      tcpFlags: 0x02,
      ...packet,
    },
    { ctinfo: 'NEW', assured: false, seenReply: false, dnat: false, snat: false, mark: 0, ...ct },
    hook,
    env,
    cache,
    new LocalAddressIndex(env, cache),
  );
}

function holds(steps: readonly MatchStep[], ctx: PacketContext): boolean {
  return steps.every((step) => {
    if (step.kind === 'random') throw new Error('random step: evaluated by the walker');
    return step.test(ctx);
  });
}

beforeAll(async () => {
  const sets = [
    await load('host-firewall-legacy-save.txt', ours),
    await load('kube-proxy-legacy-save.txt', ours),
    await load('legacy-save-rich.txt', parserFixtures),
  ];
  rules = sets.flatMap((s) => s.tables.flatMap((t) => t.chains.flatMap((c) => c.rules)));
});

describe('groupMatches', () => {
  it('puts a module’s negated options back with the rest of its options', () => {
    const r = rule(
      '-A FORWARD -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack --ctstate NEW -j DROP',
    );
    const groups = groupMatches(r.matches);
    expect(groups.map((g) => g.module)).toEqual(['ip', 'tcp', 'conntrack']);
    expect(groups[1]?.options.get('tcp-flags')).toEqual({
      value: 'FIN,SYN,RST,ACK SYN',
      negated: true,
    });
    const svc = groupMatches(rule('! -s 10.244.0.0/16 -d 10.96.0.20/32').matches);
    expect(svc[0]?.options.get('source')).toEqual({ value: '10.244.0.0/16', negated: true });
    expect(svc[0]?.options.get('destination')).toEqual({ value: '10.96.0.20/32', negated: false });
  });
});

describe('packet matches', () => {
  it('-s/-d prefixes with negation and the tcp port', () => {
    const steps = compile('! -s 10.244.0.0/16 -d 10.96.0.20/32');
    expect(holds(steps, context({ src: '192.168.1.10', dst: '10.96.0.20' }))).toBe(true);
    expect(holds(steps, context({ src: '10.244.0.7', dst: '10.96.0.20' }))).toBe(false);
    expect(holds(steps, context({ src: '192.168.1.10', dst: '10.96.0.20', dstPort: 81 }))).toBe(
      false,
    );
    expect(holds(steps, context({ src: '192.168.1.10', dst: '10.96.0.20', protocol: 17 }))).toBe(
      false,
    );
  });

  it('tcp flags, negated, with ctstate', () => {
    const steps = compile(
      '-A FORWARD -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack --ctstate NEW -j DROP',
    );
    expect(holds(steps, context({ tcpFlags: 0x10 }))).toBe(true);
    expect(holds(steps, context({ tcpFlags: 0x02 }))).toBe(false);
    expect(holds(steps, context({ tcpFlags: 0x12 }))).toBe(true); // SYN+ACK is not a bare SYN
    expect(holds(steps, context({ tcpFlags: 0x10 }, { ctinfo: 'ESTABLISHED' }))).toBe(false);
  });

  it('multiport with ranges, and a negated source list', () => {
    const dports = compile('-m multiport --dports 8000:8010,9000 -j REJECTS');
    expect([8000, 8010, 9000, 8011].map((p) => holds(dports, context({ dstPort: p })))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    const sports = compile('-p udp -m multiport ! --sports 53,5353 -j RETURN');
    expect(holds(sports, context({ protocol: 17, srcPort: 53 }))).toBe(false);
    expect(holds(sports, context({ protocol: 17, srcPort: 1000 }))).toBe(true);
    expect(holds(sports, context({ protocol: 6, srcPort: 1000 }))).toBe(false);
  });

  it('iprange', () => {
    const steps = compile('-m iprange --src-range 10.0.0.1-10.0.0.9 -j ACCEPT');
    expect(
      ['10.0.0.1', '10.0.0.9', '10.0.0.10'].map((src) => holds(steps, context({ src }))),
    ).toEqual([true, true, false]);
  });

  it('addrtype LOCAL reads the environment’s addresses', () => {
    const steps = compile('-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');
    expect(holds(steps, context({ dst: '192.168.1.10' }))).toBe(true);
    expect(holds(steps, context({ dst: '127.0.0.53' }))).toBe(true);
    expect(holds(steps, context({ dst: '192.168.1.11' }))).toBe(false);
  });

  it('owner: both uid and gid must agree, only on locally generated packets', () => {
    const steps = compile('-m owner --uid-owner 1337 --gid-owner 1337 -j ACCEPT');
    expect(holds(steps, context({ uid: 1337, gid: 1337 }, {}, 'OUTPUT'))).toBe(true);
    expect(holds(steps, context({ uid: 1337, gid: 0 }, {}, 'OUTPUT'))).toBe(false);
    expect(holds(steps, context({ uid: 1337, gid: 1337 }, {}, 'INPUT'))).toBe(false);
    expect(holds(steps, context({ uid: 1337, gid: 1337, socketless: true }, {}, 'OUTPUT'))).toBe(
      false,
    );
    expect(holds(steps, context({ uid: 1337, gid: 1337 }, {}, 'POSTROUTING'))).toBe(true);
    // Forwarded: it arrived on an interface, so it has no local socket whatever the caller says.
    expect(
      holds(steps, context({ uid: 1337, gid: 1337, inIface: 'eth0' }, {}, 'POSTROUTING')),
    ).toBe(false);
  });

  it('physdev holds only for bridged packets', () => {
    const steps = compile('-m physdev --physdev-in veth0 --physdev-is-bridged');
    expect(holds(steps, context({}))).toBe(false);
    expect(holds(steps, context({ bridged: true, physInIface: 'veth0' }))).toBe(true);
    expect(holds(steps, context({ bridged: true, physInIface: 'veth1' }))).toBe(false);
  });

  it('socket asks the environment, and says so when it cannot', () => {
    const plain = compile('-p tcp -m socket -j ISTIO_DIVERT');
    const ctx = context({});
    expect(holds(plain, ctx)).toBe(false);
    expect(ctx.notes[0]).toMatch(/no socket lookup/);
    const transparent = compile('-m socket --transparent --nowildcard');
    const withSockets = (found: { transparent: boolean; wildcard: boolean }) =>
      context({}, {}, 'PREROUTING', { ...environment, findSocket: () => found });
    expect(holds(transparent, withSockets({ transparent: true, wildcard: false }))).toBe(true);
    expect(holds(transparent, withSockets({ transparent: true, wildcard: true }))).toBe(false);
    expect(holds(transparent, withSockets({ transparent: false, wildcard: false }))).toBe(false);
  });
});

describe('conntrack matches', () => {
  it('without an entry, only --ctstate can decide (KUBE-FIREWALL)', () => {
    const steps = compile('! --ctstate RELATED,ESTABLISHED,DNAT -j DROP');
    const local = { src: '192.168.1.50', dst: '127.0.0.1' };
    expect(holds(steps, context(local, { ctinfo: 'NEW' }))).toBe(true);
    expect(holds(steps, context(local, { ctinfo: 'NEW', dnat: true }))).toBe(false);
    expect(holds(steps, context(local, { ctinfo: 'INVALID' }))).toBe(true);
    expect(holds(steps, context(local, { ctinfo: 'ESTABLISHED' }))).toBe(false);
  });

  it('original tuple: address and port of the entry, not of the packet', () => {
    const steps = compile('--ctstate ESTABLISHED --ctorigdst 10.96.0.10 --ctorigdstport 53');
    const original = {
      protocol: 6,
      src: '10.244.0.7',
      dst: '10.96.0.10',
      srcPort: 40000,
      dstPort: 53,
    };
    const packet = { src: '10.244.0.7', dst: '10.244.1.9', dstPort: 53 };
    expect(holds(steps, context(packet, { ctinfo: 'ESTABLISHED', original }))).toBe(true);
    expect(
      holds(
        steps,
        context(packet, { ctinfo: 'ESTABLISHED', original: { ...original, dstPort: 5353 } }),
      ),
    ).toBe(false);
    expect(holds(steps, context(packet, { ctinfo: 'NEW', original }))).toBe(false);
    // Without tuples the packet stands for the original direction.
    expect(
      holds(steps, context({ dst: '10.96.0.10', dstPort: 53 }, { ctinfo: 'ESTABLISHED' })),
    ).toBe(true);
  });

  it('--ctstate DNAT --ctstatus ASSURED', () => {
    const steps = compile('--ctstate DNAT --ctstatus ASSURED');
    expect(holds(steps, context({}, { ctinfo: 'ESTABLISHED', dnat: true, assured: true }))).toBe(
      true,
    );
    expect(holds(steps, context({}, { ctinfo: 'ESTABLISHED', dnat: true, assured: false }))).toBe(
      false,
    );
    expect(holds(steps, context({}, { ctinfo: 'ESTABLISHED', dnat: false, assured: true }))).toBe(
      false,
    );
  });

  it('connmark reads the entry mark under the mask; no entry, no match', () => {
    const steps = compile('-m connmark --mark 0x1/0x1 -j RETURN');
    expect(holds(steps, context({}, { ctinfo: 'ESTABLISHED', mark: 0x3 }))).toBe(true);
    expect(holds(steps, context({}, { ctinfo: 'ESTABLISHED', mark: 0x2 }))).toBe(false);
    expect(holds(steps, context({}, { ctinfo: 'INVALID', mark: 0x3 }))).toBe(false);
  });

  it('mark reads the packet mark under the mask, negation included', () => {
    const steps = compile('-m mark ! --mark 0x4000/0x4000 -j RETURN');
    expect(holds(steps, context({ mark: 0x4000 }))).toBe(false);
    expect(holds(steps, context({ mark: 0x4001 }))).toBe(false);
    expect(holds(steps, context({ mark: 0x1 }))).toBe(true);
  });

  it('state reads ctinfo', () => {
    const steps = compile('-m state --state RELATED,ESTABLISHED -j ACCEPT');
    expect(holds(steps, context({}, { ctinfo: 'RELATED' }))).toBe(true);
    expect(holds(steps, context({}, { ctinfo: 'NEW' }))).toBe(false);
  });
});

describe('statistic and the matches the model does not judge', () => {
  it('random mode becomes a branch with iptables’ 31-bit threshold', () => {
    const steps = compile('--probability 0.33333333349 -j KUBE-SEP-AAAAAAAAAAAAAAAA');
    const random = steps.find((s) => s.kind === 'random');
    expect(random).toEqual({
      kind: 'random',
      threshold: Math.round(0.33333333349 * 2 ** 31),
      inverted: false,
    });
  });

  it('limit is assumed under its rate and reported; unknown modules never match and are reported', () => {
    const limited = compile('-m limit --limit 10/sec --limit-burst 20 -j ACCEPT');
    const ctx = context({ tcpFlags: 0x02 });
    expect(holds(limited, ctx)).toBe(true);
    expect(ctx.notes.join()).toMatch(/limit.*assumed under the limit/);
    const unknown = compile('-m string --string "GET /evil" --algo bm -j DROP');
    const ctx2 = context({});
    expect(holds(unknown, ctx2)).toBe(false);
    expect(ctx2.notes[0]).toMatch(/-m string .*not modelled; assumed the rule does not match/);
  });

  it('comments always hold', () => {
    const steps = compile(
      '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    );
    expect(holds(steps, context({ protocol: 47 }))).toBe(true);
  });
});
