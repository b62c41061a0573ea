import {
  BadInputError,
  type Rule,
  type RuleChain,
  type Ruleset,
  type RuleTable,
} from '@netmortem/domain';
import type { RuleAddition, RuleRemoval } from './what-if-types.js';

const BUILTIN_CHAINS = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);

/** `-A  KUBE-SVC  -m x` → `-m x` with single spaces: what two spellings of one rule share. */
function ruleBody(line: string): { chain?: string; body: string } {
  const words = line.trim().split(/\s+/);
  if ((words[0] === '-A' || words[0] === '-I') && words.length > 1) {
    const rest = words.slice(2);
    // `-I CHAIN 1 …`: the position is not part of the rule.
    if (words[0] === '-I' && /^\d+$/.test(rest[0] ?? '')) rest.shift();
    return { chain: words[1], body: rest.join(' ') };
  }
  return { body: words.join(' ') };
}

/**
 * The rulesets with rules removed and added, as a what-if asks. Removing a rule that is not
 * there is an error (a typo must not pass for "no difference"); every matching copy goes.
 */
export function editRulesets(
  rulesets: readonly Ruleset[],
  removals: readonly RuleRemoval[],
  additions: readonly RuleAddition[],
): Ruleset[] {
  let result = rulesets.map((ruleset) => ({ ...ruleset, tables: ruleset.tables.slice() }));
  for (const removal of removals) {
    const wanted = ruleBody(removal.line);
    let removed = 0;
    result = result.map((ruleset) => ({
      ...ruleset,
      tables: ruleset.tables.map((table) => {
        if (removal.table !== undefined && table.name !== removal.table) return table;
        return {
          ...table,
          chains: table.chains.map((chain) => {
            if (wanted.chain !== undefined && chain.name !== wanted.chain) return chain;
            const rules = chain.rules.filter((rule) => ruleBody(rule.raw).body !== wanted.body);
            removed += chain.rules.length - rules.length;
            return rules.length === chain.rules.length ? chain : { ...chain, rules };
          }),
        };
      }),
    }));
    if (removed === 0) {
      throw new BadInputError(
        'what-if.rule-not-found',
        `no rule "${removal.line.trim()}"${removal.table ? ` in table ${removal.table}` : ''} in the evidence's rulesets`,
        undefined,
        { line: removal.line },
      );
    }
  }
  for (const addition of additions) {
    if (result.length === 0) {
      result.push({ locator: { artifact: 'what-if' }, source: 'iptables-save', tables: [] });
    }
    const family =
      addition.rule.raw.includes(':') && /\s-[sd]\s+[0-9a-f:]+:/i.test(addition.rule.raw)
        ? 'ipv6'
        : 'ipv4';
    const target =
      result.find((r) => r.tables.some((t) => t.name === addition.table && t.family === family)) ??
      result[0];
    if (!target) continue;
    const tables = target.tables;
    let tableIndex = tables.findIndex((t) => t.name === addition.table && t.family === family);
    if (tableIndex < 0) {
      tables.push({ name: addition.table, family, chains: [] });
      tableIndex = tables.length - 1;
    }
    const table = tables[tableIndex] as RuleTable;
    const chains = table.chains.slice();
    let chainIndex = chains.findIndex((c) => c.name === addition.chain);
    if (chainIndex < 0) {
      chains.push({
        name: addition.chain,
        ...(BUILTIN_CHAINS.has(addition.chain) ? { policy: 'ACCEPT' } : {}),
        rules: [],
      });
      chainIndex = chains.length - 1;
    }
    const chain = chains[chainIndex] as RuleChain;
    const rules: Rule[] = addition.insert
      ? [addition.rule, ...chain.rules]
      : [...chain.rules, addition.rule];
    chains[chainIndex] = { ...chain, rules };
    tables[tableIndex] = { ...table, chains };
  }
  return result;
}
