import type { Rule, RuleChain, RuleTable, Ruleset } from '@netmortem/domain';

interface ChainDraft {
  name: string;
  policy?: string;
  hook?: string;
  priority?: number;
  counters?: { packets: number; bytes: number };
  rules: Rule[];
}

interface TableDraft {
  name: string;
  family: string;
  chains: Map<string, ChainDraft>;
}

/**
 * Collects tables, chains and rules in the order a dump lists them. A table is identified
 * by family and name (`ip filter` and `ip6 filter` are different tables); a chain is created
 * on first mention, since pasted fragments often omit the declarations.
 */
export class RulesetBuilder {
  private readonly tables: TableDraft[] = [];

  table(family: string, name: string): TableDraft {
    let table = this.tables.find((t) => t.family === family && t.name === name);
    if (!table) {
      table = { family, name, chains: new Map() };
      this.tables.push(table);
    }
    return table;
  }

  chain(table: TableDraft, name: string): ChainDraft {
    let chain = table.chains.get(name);
    if (!chain) {
      chain = { name, rules: [] };
      table.chains.set(name, chain);
    }
    return chain;
  }

  /** Moves a table's contents under another family/name (iptables -S guesses, settled late). */
  rename(table: TableDraft, family: string, name: string): void {
    table.family = family;
    table.name = name;
  }

  get tableCount(): number {
    return this.tables.length;
  }

  allTables(): readonly TableDraft[] {
    return this.tables;
  }

  build(base: Pick<Ruleset, 'locator' | 'source' | 'backend'>): Ruleset {
    const tables: RuleTable[] = this.tables.map((table) => ({
      name: table.name,
      family: table.family,
      chains: [...table.chains.values()].map((chain): RuleChain => ({
        name: chain.name,
        ...(chain.policy !== undefined ? { policy: chain.policy } : {}),
        ...(chain.hook !== undefined ? { hook: chain.hook } : {}),
        ...(chain.priority !== undefined ? { priority: chain.priority } : {}),
        ...(chain.counters ? { counters: chain.counters } : {}),
        rules: chain.rules,
      })),
    }));
    return {
      locator: base.locator,
      source: base.source,
      ...(base.backend ? { backend: base.backend } : {}),
      tables,
    };
  }
}

export type { ChainDraft, TableDraft };
