import { describe, expect, it } from 'vitest';
import { parsePrePrefix, verdictRuleset } from './verdict-ruleset.js';

describe('verdictRuleset', () => {
  const text = verdictRuleset({ v4: [1, 2, 5], v6: [3, 4] });

  it('maps each packet id to its own ct mark, per family', () => {
    expect(text).toContain('ct mark set ip id map { 1 : 1, 2 : 2, 5 : 5 }');
    expect(text).toContain('ct mark set ip6 flowlabel map { 3 : 3, 4 : 4 }');
  });

  it('logs every ctstate and direction once, with prefixes that read back', () => {
    const prefixes = [...text.matchAll(/log prefix "([^"]+)"/g)].map((m) => m[1] as string);
    const pre = prefixes.filter((p) => p.startsWith('PRE')).map(parsePrePrefix);
    expect(pre).toEqual([
      { ctinfo: 'INVALID' },
      { ctinfo: 'UNTRACKED' },
      { ctinfo: 'NEW', direction: 'original' },
      { ctinfo: 'NEW', direction: 'reply' },
      { ctinfo: 'ESTABLISHED', direction: 'original' },
      { ctinfo: 'ESTABLISHED', direction: 'reply' },
      { ctinfo: 'RELATED', direction: 'original' },
      { ctinfo: 'RELATED', direction: 'reply' },
    ]);
  });

  it("drops the router's own TCP before conntrack sees it", () => {
    expect(text).toMatch(/hook output priority raw;[^}]*meta l4proto tcp drop/);
  });

  it('leaves the maps out when a family has no packets', () => {
    expect(verdictRuleset({ v4: [], v6: [] })).not.toContain('map');
  });
});
