import type { Rule, Ruleset } from '@netmortem/domain';
import type { EvidencePointer } from '../report/analysis-report.js';

/** A rule worth naming in a finding, with where it sits. */
export interface NotableRule {
  readonly table: string;
  readonly chain: string;
  readonly rule: Rule;
  readonly pointer: EvidencePointer;
}

/**
 * What the detectors ask of a ruleset: is there a NAT that INVALID packets would skip, a drop
 * of INVALID packets that prevents it, a stateful filter that rejects what conntrack forgot,
 * SNAT without a fully random port choice. Answers are about rule shapes, never addresses.
 */
export class RulesetFacts {
  readonly present: boolean;
  /** REDIRECT and DNAT rules (the nat table's PREROUTING/OUTPUT side, any chain). */
  readonly destinationNat: readonly NotableRule[];
  /** `--ctstate INVALID` (or `--state INVALID`) with DROP, in any table. */
  readonly invalidDrops: readonly NotableRule[];
  /** Filter rules that REJECT or DROP after an ESTABLISHED,RELATED accept in the same chain. */
  readonly statefulRejects: readonly NotableRule[];
  readonly sourceNat: readonly NotableRule[];
  /** `-m statistic` load balancing. */
  readonly statisticRules: readonly NotableRule[];
  /** DROP rules on ICMP (type 3 / fragmentation-needed / packet-too-big, or all ICMP). */
  readonly icmpDrops: readonly NotableRule[];

  constructor(rulesets: readonly Ruleset[]) {
    this.present = rulesets.length > 0;
    const all = [...walk(rulesets)];
    this.destinationNat = all.filter(
      (r) => r.table === 'nat' && ['DNAT', 'REDIRECT'].includes(r.rule.target?.name ?? ''),
    );
    this.invalidDrops = all.filter((r) => isInvalidMatch(r.rule) && r.rule.target?.name === 'DROP');
    this.statefulRejects = findStatefulRejects(all);
    this.sourceNat = all.filter(
      (r) => r.table === 'nat' && ['SNAT', 'MASQUERADE'].includes(r.rule.target?.name ?? ''),
    );
    this.statisticRules = all.filter((r) => r.rule.matches.some((m) => m.module === 'statistic'));
    this.icmpDrops = all.filter((r) => isIcmpDrop(r.rule));
  }

  /** DNAT/REDIRECT rules that could have rewritten traffic to this port (or any port). */
  natForPort(port: number): NotableRule[] {
    return this.destinationNat.filter((r) => {
      const dport = optionOf(r.rule, 'dport') ?? optionOf(r.rule, 'dports');
      return dport === undefined || portListHas(dport, port);
    });
  }

  get sourceNatFullyRandom(): boolean {
    return (
      this.sourceNat.length > 0 &&
      this.sourceNat.every((r) => r.rule.target?.options['random-fully'] !== undefined)
    );
  }
}

function* walk(rulesets: readonly Ruleset[]): Generator<NotableRule> {
  for (const ruleset of rulesets) {
    for (const table of ruleset.tables) {
      for (const chain of table.chains) {
        for (const rule of chain.rules) {
          yield {
            table: table.name,
            chain: chain.name,
            rule,
            pointer: {
              artifact: rule.locator.artifact,
              locator: rule.locator.line === undefined ? '' : `line ${rule.locator.line}`,
              note: `${table.name}: ${rule.raw.trim()}`,
            },
          };
        }
      }
    }
  }
}

function states(rule: Rule): string[] {
  const out: string[] = [];
  for (const m of rule.matches) {
    if (m.negated) continue;
    const value = m.options['ctstate'] ?? m.options['state'];
    if (value !== undefined) out.push(...value.split(',').map((s) => s.trim().toUpperCase()));
  }
  return out;
}

function isInvalidMatch(rule: Rule): boolean {
  return states(rule).includes('INVALID');
}

function findStatefulRejects(all: readonly NotableRule[]): NotableRule[] {
  const found: NotableRule[] = [];
  const chains = new Map<string, NotableRule[]>();
  for (const r of all) {
    if (r.table !== 'filter') continue;
    const key = `${r.table}/${r.chain}`;
    chains.set(key, [...(chains.get(key) ?? []), r]);
  }
  for (const rules of chains.values()) {
    let acceptedEstablished = false;
    for (const r of rules) {
      const target = r.rule.target?.name ?? '';
      const st = states(r.rule);
      if (target === 'ACCEPT' && st.includes('ESTABLISHED')) acceptedEstablished = true;
      else if (acceptedEstablished && (target === 'REJECT' || target === 'DROP') && st.length === 0)
        found.push(r);
    }
  }
  return found;
}

function isIcmpDrop(rule: Rule): boolean {
  const target = rule.target?.name;
  if (target !== 'DROP' && target !== 'REJECT') return false;
  const proto = optionOf(rule, 'protocol') ?? optionOf(rule, 'p');
  if (proto === undefined || !/^(icmp|icmpv6|ipv6-icmp|1|58)$/i.test(proto)) return false;
  const type = optionOf(rule, 'icmp-type') ?? optionOf(rule, 'icmpv6-type');
  return (
    type === undefined ||
    /^(3(\/4)?|destination-unreachable|fragmentation-needed|2|packet-too-big)$/i.test(type)
  );
}

function optionOf(rule: Rule, name: string): string | undefined {
  for (const m of rule.matches) {
    if (m.negated) continue;
    const value = m.options[name];
    if (value !== undefined) return value;
  }
  return undefined;
}

function portListHas(list: string, port: number): boolean {
  return list.split(',').some((part) => {
    const [lo, hi] = part.split(':').map(Number);
    if (lo === undefined || !Number.isFinite(lo)) return false;
    return hi === undefined || !Number.isFinite(hi) ? port === lo : port >= lo && port <= hi;
  });
}
