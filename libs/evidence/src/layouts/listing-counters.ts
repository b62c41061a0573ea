import type { Rule, RuleChain, Ruleset, RuleTable } from '@netmortem/domain';
import type { IptablesListing, ListedChain } from './iptables-listing.js';

export interface CountedRuleset {
  readonly ruleset: Ruleset;
  /** Chains whose counters could not be placed, and why. */
  readonly skipped: readonly string[];
}

/**
 * Puts an `iptables -vnxL` listing's counters on the rules of an iptables-save ruleset that
 * has none (Retina saves rules without -c and counts separately). Rules are matched by
 * position within their chain, and only where the chain has as many rules as the listing
 * and every listed target agrees with the rule's: counters on the wrong rule would be worse
 * than none. Counters the ruleset already has are kept.
 */
export function attachListingCounters(
  ruleset: Ruleset,
  listing: IptablesListing,
  family: 'ipv4' | 'ipv6' = 'ipv4',
): CountedRuleset {
  const skipped: string[] = [];
  const tables = ruleset.tables.map((table): RuleTable => {
    if (table.name !== listing.table || !sameFamily(table.family, family)) return table;
    return {
      ...table,
      chains: table.chains.map((chain) => {
        const listed = listing.chains.find((candidate) => candidate.name === chain.name);
        if (!listed) return chain;
        const problem = mismatch(chain, listed);
        if (problem) {
          skipped.push(`${table.name}/${chain.name}: ${problem}`);
          return chain;
        }
        return counted(chain, listed);
      }),
    };
  });
  return { ruleset: { ...ruleset, tables }, skipped };
}

function counted(chain: RuleChain, listed: ListedChain): RuleChain {
  const rules = chain.rules.map((rule, index): Rule => {
    const row = listed.rules[index]!;
    return rule.counters ? rule : { ...rule, counters: { packets: row.packets, bytes: row.bytes } };
  });
  const counters = chain.counters ?? listed.counters;
  return { ...chain, ...(counters ? { counters } : {}), rules };
}

function mismatch(chain: RuleChain, listed: ListedChain): string | undefined {
  if (chain.rules.length !== listed.rules.length) {
    return `${chain.rules.length} rules saved, ${listed.rules.length} listed`;
  }
  for (const [index, rule] of chain.rules.entries()) {
    const target = rule.target?.name ?? '';
    const shown = listed.rules[index]!.target;
    if (target !== shown)
      return `rule ${index + 1} targets ${target || 'nothing'}, listed ${shown || 'nothing'}`;
  }
  return undefined;
}

// iptables-save rulesets name their family ipv4/ipv6; nft-style names mean the same.
function sameFamily(tableFamily: string, family: 'ipv4' | 'ipv6'): boolean {
  return family === 'ipv4'
    ? ['ipv4', 'ip'].includes(tableFamily)
    : ['ipv6', 'ip6'].includes(tableFamily);
}
