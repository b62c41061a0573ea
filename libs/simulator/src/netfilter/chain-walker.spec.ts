import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Rule, RuleTable } from '@netmortem/domain';
import { collectBundleEvidence } from '@netmortem/evidence';
import { beforeAll, describe, expect, it } from 'vitest';
import { startOf, walkChain, type WalkTrace } from './chain-walker.js';
import { compileTable, type CompiledTable } from './compiled-table.js';
import type { EvaluationEnvironment, Hook, PacketHeaders } from './netfilter-types.js';
import { AddressCache, createPacketContext, LocalAddressIndex } from './packet-context.js';

function compile(table: RuleTable): CompiledTable {
  const counters: number[] = [];
  return compileTable(table, table.name as 'nat', 4, {
    family: 4,
    counters,
    allocateCounter: (initial) => counters.push(initial) - 1,
  });
}

function context(packet: Partial<PacketHeaders>, hook: Hook, random: () => number) {
  const env: EvaluationEnvironment = { localAddresses: new Set(['192.168.1.10']), random };
  const cache = new AddressCache();
  return createPacketContext(
    {
      family: 4,
      protocol: 6,
      src: '10.244.0.7',
      dst: '10.96.0.20',
      srcPort: 40000,
      dstPort: 80,
      tcpFlags: 2,
      ...packet,
    },
    { ctinfo: 'NEW', assured: false, seenReply: false, dnat: false, snat: false, mark: 0 },
    hook,
    env,
    cache,
    new LocalAddressIndex(env, cache),
  );
}

let nat: CompiledTable;
beforeAll(async () => {
  const bytes = readFileSync(new URL('./__fixtures__/kube-proxy-legacy-save.txt', import.meta.url));
  const evidence = await collectBundleEvidence([
    {
      path: 'kube-proxy',
      sizeBytes: bytes.length,
      kind: 'iptables-save',
      open: () => Promise.resolve(Readable.from([bytes])),
    },
  ]);
  nat = compile(evidence.rulesets[0]!.tables.find((t) => t.name === 'nat')!);
});

describe('walkChain', () => {
  it('a live walk records where the first random match was drawn', () => {
    const base = nat.hookChains.get('PREROUTING')!;
    const ctx = context({}, 'PREROUTING', () => 0.99);
    const trace: WalkTrace = { matched: [], unsupported: [] };
    const end = walkChain(base, startOf(base, ctx), ctx, undefined, trace);
    expect(end).toMatchObject({ kind: 'end', nat: { to: { address: '10.244.3.7' } } });
    expect(trace.firstChoice).toMatchObject({
      chain: { name: 'KUBE-SVC-WEBHTTP4EPAAAAA' },
      rule: 1,
      pTrue: expect.closeTo(1 / 3, 8) as unknown,
    });
    // Its return point is the rule after the jump in KUBE-SERVICES, under PREROUTING's.
    expect(trace.firstChoice?.stack.map((f) => `${f.chain.name}@${f.next}`)).toEqual([
      'PREROUTING@1',
      'KUBE-SERVICES@1',
    ]);
  });

  it('resuming at that point with a forced outcome follows that branch without drawing', () => {
    const base = nat.hookChains.get('PREROUTING')!;
    const ctx = context({}, 'PREROUTING', () => 0.99);
    const trace: WalkTrace = { matched: [], unsupported: [] };
    walkChain(base, startOf(base, ctx), ctx, undefined, trace);
    // Resuming needs a point: without one a walk would start again from the base chain.
    expect(trace.firstChoice).toBeDefined();
    const noDraws = () => {
      throw new Error('drew');
    };
    const resumed = context({}, 'PREROUTING', noDraws);
    expect(walkChain(base, trace.firstChoice, resumed, true, undefined)).toMatchObject({
      nat: { to: { address: '10.244.1.5' } },
    });
    resumed.dry = true;
    // Not taking it leads to the next random match, which a dry walk hands back instead of drawing.
    const next = walkChain(base, trace.firstChoice, resumed, false, undefined);
    expect(next).toMatchObject({ kind: 'branch', at: { rule: 2, pTrue: 0.5 } });
  });
});

describe('malformed rulesets', () => {
  const rule = (raw: string, target: Rule['target']): Rule => ({
    locator: { artifact: 'hand-made', line: 1 },
    raw,
    matches: [],
    ...(target ? { target } : {}),
  });
  // iptables refuses these; a pasted or corrupted dump can still contain them.
  const broken: RuleTable = {
    name: 'filter',
    family: 'ipv4',
    chains: [
      {
        name: 'INPUT',
        policy: 'DROP',
        rules: [
          rule('-A INPUT -j MISSING', { name: 'MISSING', kind: 'jump', options: {} }),
          rule('-A INPUT -g LOOP', { name: 'LOOP', kind: 'goto', options: {} }),
        ],
      },
      {
        name: 'LOOP',
        rules: [rule('-A LOOP -g LOOP', { name: 'LOOP', kind: 'goto', options: {} })],
      },
    ],
  };

  it('a jump to an undefined chain is reported and skipped; an endless goto is cut and the policy applies', () => {
    const table = compile(broken);
    const base = table.hookChains.get('INPUT')!;
    const ctx = context({}, 'INPUT', () => 0);
    const trace: WalkTrace = { matched: [], unsupported: [] };
    expect(walkChain(base, startOf(base, ctx), ctx, undefined, trace)).toEqual({
      kind: 'end',
      verdict: 'DROP',
      policy: true,
    });
    expect(trace.unsupported?.map((u) => u.what)).toEqual([
      expect.stringMatching(/chain MISSING, which the dump does not define/) as unknown,
      expect.stringMatching(/traversal stopped after/) as unknown,
    ]);
  });
});
