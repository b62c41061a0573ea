import type { Rule, Ruleset } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { editRulesets } from './ruleset-edit.js';

const rule = (raw: string): Rule => ({ locator: { artifact: 'r.txt', line: 1 }, raw, matches: [] });
const rulesets: Ruleset[] = [
  {
    locator: { artifact: 'iptables-save.txt' },
    source: 'iptables-save',
    tables: [
      {
        name: 'mangle',
        family: 'ipv4',
        chains: [
          {
            name: 'PREROUTING',
            policy: 'ACCEPT',
            rules: [
              rule('-A PREROUTING -m conntrack --ctstate INVALID -j DROP'),
              rule('-A PREROUTING -j MARK --set-mark 1'),
            ],
          },
        ],
      },
    ],
  },
];

describe('editRulesets', () => {
  it('removes a rule whatever its spacing, leaving the input untouched', () => {
    const edited = editRulesets(
      rulesets,
      [{ table: 'mangle', line: '-A  PREROUTING -m conntrack  --ctstate INVALID -j DROP' }],
      [],
    );
    expect(edited[0]?.tables[0]?.chains[0]?.rules.map((r) => r.raw)).toEqual([
      '-A PREROUTING -j MARK --set-mark 1',
    ]);
    expect(rulesets[0]?.tables[0]?.chains[0]?.rules).toHaveLength(2);
  });

  it('refuses to remove a rule that is not there', () => {
    expect(() => editRulesets(rulesets, [{ line: '-A INPUT -j DROP' }], [])).toThrow(
      /no rule "-A INPUT -j DROP"/,
    );
  });

  it('inserts first or appends last, creating a missing table and chain', () => {
    const first = rule('-A PREROUTING -j ACCEPT');
    const edited = editRulesets(
      rulesets,
      [],
      [
        { table: 'mangle', chain: 'PREROUTING', rule: first, insert: true },
        { table: 'raw', chain: 'PREROUTING', rule: rule('-A PREROUTING -p udp -j CT --notrack') },
      ],
    );
    expect(edited[0]?.tables[0]?.chains[0]?.rules[0]).toBe(first);
    const raw = edited[0]?.tables.find((t) => t.name === 'raw');
    expect(raw?.chains[0]).toMatchObject({ name: 'PREROUTING', policy: 'ACCEPT' });
    expect(raw?.chains[0]?.rules).toHaveLength(1);
  });
});
