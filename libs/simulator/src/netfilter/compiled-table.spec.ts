import type { RuleTable } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { compileTable, destinationKey, familiesOf, nextCandidate } from './compiled-table.js';
import { parseIpAddress } from './ip-address.js';

const env = { family: 4 as const, counters: [] as number[], allocateCounter: () => 0 };

describe('compileTable', () => {
  it('maps families as iptables and nft name them', () => {
    expect(familiesOf('ipv4')).toEqual([4]);
    expect(familiesOf('ip6')).toEqual([6]);
    expect(familiesOf('inet')).toEqual([4, 6]);
    expect(familiesOf('bridge')).toEqual([]);
  });

  it('finds hook chains by name or by an nft base chain’s hook, resolves jumps, defaults policies to ACCEPT', () => {
    const table: RuleTable = {
      name: 'nat',
      family: 'ip',
      chains: [
        {
          name: 'prerouting',
          hook: 'prerouting',
          rules: [
            {
              locator: { artifact: 'nft', line: 3 },
              raw: 'jump SVC',
              matches: [],
              target: { name: 'SVC', kind: 'jump', options: {} },
            },
          ],
        },
        { name: 'SVC', rules: [] },
        { name: 'OUTPUT', policy: 'ACCEPT', rules: [] },
      ],
    };
    const compiled = compileTable(table, 'nat', 4, env);
    const pre = compiled.hookChains.get('PREROUTING');
    expect(pre?.name).toBe('prerouting');
    expect(pre?.policy).toBe('ACCEPT');
    expect(pre?.rules[0]?.jumpTo?.name).toBe('SVC');
    expect(pre?.rules[0]?.ref).toMatchObject({
      table: 'nat',
      chain: 'prerouting',
      index: 1,
      locator: { line: 3 },
    });
    expect(compiled.chains.get('SVC')?.policy).toBeUndefined();
    expect(compiled.hookChains.get('OUTPUT')?.name).toBe('OUTPUT');
    // FORWARD is not a nat hook, even if a chain were named so.
    expect(compiled.hookChains.has('FORWARD')).toBe(false);
  });
});

describe('destination index', () => {
  const rule = (raw: string, destination?: string) => ({
    locator: { artifact: 'hand-made', line: 1 },
    raw,
    matches: destination ? [{ module: 'ip', negated: false, options: { destination } }] : [],
  });
  const rules = [
    ...Array.from({ length: 20 }, (_, i) => rule(`svc ${i}`, `10.96.0.${i}/32`)),
    rule('open'),
    rule('negated', undefined),
    rule('svc 5 again', '10.96.0.5/32'),
    rule('prefix', '10.96.0.0/24'),
  ];

  it('lists for a destination only the rules it can reach, in order', () => {
    const compiled = compileTable(
      { name: 'nat', family: 'ipv4', chains: [{ name: 'KUBE-SERVICES', rules }] },
      'nat',
      4,
      env,
    );
    const index = compiled.chains.get('KUBE-SERVICES')?.index;
    if (!index) throw new Error('no index built');
    const key = destinationKey(parseIpAddress('10.96.0.5'));
    const visits: number[] = [];
    for (
      let i = nextCandidate(index, 0, key, rules.length);
      i < rules.length;
      i = nextCandidate(index, i + 1, key, rules.length)
    )
      visits.push(i);
    expect(visits).toEqual([5, 20, 21, 22, 23]);
    const elsewhere = destinationKey(parseIpAddress('192.168.1.1'));
    expect(nextCandidate(index, 0, elsewhere, rules.length)).toBe(20);
  });

  it('is not built for short chains', () => {
    const compiled = compileTable(
      { name: 'nat', family: 'ipv4', chains: [{ name: 'X', rules: rules.slice(0, 5) }] },
      'nat',
      4,
      env,
    );
    expect(compiled.chains.get('X')?.index).toBeUndefined();
  });
});
