import { describe, expect, it } from 'vitest';
import { parseRuleLines, ruleLineToAdd } from './rule-lines.js';

describe('parseRuleLines', () => {
  it('parses an added rule with the evidence’s own iptables-save parser', async () => {
    const [added] = await parseRuleLines([
      ruleLineToAdd('mangle', '-I PREROUTING -m conntrack --ctstate INVALID -j DROP'),
    ]);
    expect(added?.insert).toBe(true);
    expect(added?.chain).toBe('PREROUTING');
    expect(added?.rule.target?.name).toBe('DROP');
    expect(added?.rule.matches.some((m) => m.module === 'conntrack')).toBe(true);
  });

  it('names the source and the line it could not read', async () => {
    await expect(
      parseRuleLines([ruleLineToAdd('filter', '-A INPUT -m conntrack --ctstate "INVALID')], 'fix'),
    ).rejects.toThrow(/fix #1/);
  });
});

describe('ruleLineToAdd', () => {
  it('takes the chain and the position from the line', () => {
    expect(ruleLineToAdd('nat', '-A OUTPUT -p tcp -j ACCEPT')).toEqual({
      table: 'nat',
      chain: 'OUTPUT',
      line: '-A OUTPUT -p tcp -j ACCEPT',
      insert: false,
    });
    expect(() => ruleLineToAdd('nat', 'PREROUTING -j DROP')).toThrow(/-A CHAIN/);
  });
});
