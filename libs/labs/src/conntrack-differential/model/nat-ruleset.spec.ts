import { describe, expect, it } from 'vitest';
import { restoreText, sequenceRuleset } from './nat-ruleset.js';

describe('restoreText / sequenceRuleset', () => {
  const nat = [
    '-A PREROUTING -d 10.77.2.100/32 -p tcp -m tcp --dport 40000 -m statistic --mode nth --every 3 --packet 1 -j DNAT --to-destination 10.77.2.11:8080',
    '-A PREROUTING -d 10.77.2.100/32 -p tcp -m tcp --dport 40001 -j REDIRECT --to-ports 15001',
  ];
  const raw = ['-A PREROUTING -s 10.77.1.2/32 -p tcp -m tcp --sport 20000 -j CT --notrack'];

  it('replaces the raw and nat tables whole, as iptables-restore takes them', () => {
    const text = restoreText({ nat, raw });
    expect(text.indexOf('*raw')).toBeLessThan(text.indexOf('*nat'));
    expect(text.match(/^COMMIT$/gm)).toHaveLength(2);
    for (const rule of [...nat, ...raw]) expect(text).toContain(`${rule}\n`);
  });

  it('reads back through the evidence parser with every rule and its target', async () => {
    const [ruleset] = await sequenceRuleset({ nat, raw }, 'rules.txt');
    const tables = Object.fromEntries(ruleset?.tables.map((t) => [t.name, t]) ?? []);
    const natRules = tables.nat?.chains.find((c) => c.name === 'PREROUTING')?.rules ?? [];
    expect(natRules.map((r) => r.target?.name)).toEqual(['DNAT', 'REDIRECT']);
    expect(natRules[0]?.matches.find((m) => m.module === 'statistic')?.options).toMatchObject({
      mode: 'nth',
      every: '3',
      packet: '1',
    });
    const rawRules = tables.raw?.chains.find((c) => c.name === 'PREROUTING')?.rules ?? [];
    expect(rawRules.map((r) => r.target?.name)).toEqual(['CT']);
  });
});
