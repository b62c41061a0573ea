import type { Rule, Ruleset } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { parseIptablesListing } from './iptables-listing.js';
import { attachListingCounters } from './listing-counters.js';

const rule = (line: number, raw: string, target?: string): Rule => ({
  locator: { artifact: 'iptables-rules.txt', line },
  raw,
  matches: [],
  ...(target ? { target: { name: target, kind: 'verdict', options: {} } } : {}),
});

// The filter table as an iptables-save parser would give it, without counters.
const saved: Ruleset = {
  locator: { artifact: 'iptables-rules.txt' },
  source: 'iptables-save',
  backend: 'nft',
  tables: [
    {
      name: 'filter',
      family: 'ipv4',
      chains: [
        {
          name: 'INPUT',
          policy: 'ACCEPT',
          rules: [rule(27, '-A INPUT -m conntrack --ctstate INVALID -j DROP', 'DROP')],
        },
        {
          name: 'FORWARD',
          policy: 'ACCEPT',
          rules: [
            rule(28, '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', 'ACCEPT'),
            rule(29, '-A FORWARD -s 10.244.0.0/16'),
          ],
        },
      ],
    },
  ],
};

const listing = parseIptablesListing(
  [
    'Chain INPUT (policy ACCEPT 57 packets, 4122 bytes)',
    '    pkts      bytes target     prot opt in     out     source               destination',
    '       3      180 DROP       0    --  *      *       0.0.0.0/0            0.0.0.0/0            ctstate INVALID',
    '',
    'Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)',
    '    pkts      bytes target     prot opt in     out     source               destination',
    '      10      840 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            ctstate RELATED,ESTABLISHED',
    '       4      240            0    --  *      *       10.244.0.0/16        0.0.0.0/0',
  ].join('\n'),
);

describe('attachListingCounters', () => {
  it('puts policy and rule counters on the saved rules, by position', () => {
    const { ruleset, skipped } = attachListingCounters(saved, listing);
    expect(skipped).toEqual([]);
    const [input, forward] = ruleset.tables[0]!.chains;
    expect(input!.counters).toEqual({ packets: 57, bytes: 4122 });
    expect(input!.rules[0]!.counters).toEqual({ packets: 3, bytes: 180 });
    expect(forward!.rules.map((r) => r.counters)).toEqual([
      { packets: 10, bytes: 840 },
      { packets: 4, bytes: 240 },
    ]);
    // The rest of each rule is untouched.
    expect(forward!.rules[0]!.raw).toBe(saved.tables[0]!.chains[1]!.rules[0]!.raw);
  });

  it('leaves a chain alone when the listing does not line up with it', () => {
    const reordered = parseIptablesListing(
      [
        'Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)',
        '       4      240            0    --  *      *       10.244.0.0/16        0.0.0.0/0',
        '      10      840 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0',
      ].join('\n'),
    );
    const { ruleset, skipped } = attachListingCounters(saved, reordered);
    expect(skipped).toEqual(['filter/FORWARD: rule 1 targets ACCEPT, listed nothing']);
    expect(ruleset.tables[0]!.chains[1]!.rules.every((r) => r.counters === undefined)).toBe(true);
  });

  it('ignores a listing of another table or family, and keeps counters already there', () => {
    expect(attachListingCounters(saved, { ...listing, table: 'nat' }).ruleset).toEqual(saved);
    expect(attachListingCounters(saved, listing, 'ipv6').ruleset).toEqual(saved);
    const withCounters: Ruleset = {
      ...saved,
      tables: [
        {
          ...saved.tables[0]!,
          chains: [
            {
              ...saved.tables[0]!.chains[0]!,
              rules: [
                { ...saved.tables[0]!.chains[0]!.rules[0]!, counters: { packets: 9, bytes: 9 } },
              ],
            },
          ],
        },
      ],
    };
    const { ruleset } = attachListingCounters(withCounters, listing);
    expect(ruleset.tables[0]!.chains[0]!.rules[0]!.counters).toEqual({ packets: 9, bytes: 9 });
  });
});
