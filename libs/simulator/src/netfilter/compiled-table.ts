import type { Rule, RuleTable } from '@netmortem/domain';
import { addressKey, parseAddressPrefix, type IpAddress } from './ip-address.js';
import { compileRuleMatches } from './match-compiler.js';
import type { MatchCompileEnv, MatchStep } from './match-types.js';
import type { ChainResult, Hook, RuleRef, TableName } from './netfilter-types.js';
import { compileTarget, type RuleAction } from './rule-targets.js';
import { FlowReads, flowReadsOf, isFlowStableRule } from './flow-verdict-cache.js';

export interface CompiledRule {
  readonly ref: RuleRef;
  readonly steps: readonly MatchStep[];
  readonly action: RuleAction;
  /** The chain a jump/goto enters, resolved once all chains exist. */
  jumpTo?: CompiledChain;
  /** Its matches read only per-flow inputs (see flow-verdict-cache.ts). */
  readonly flowStable: boolean;
  /** Optional inputs it reads (FlowReads bits). */
  readonly flowReads: number;
  /** A jump's return point (this chain, the next rule): fixed, so made once, not per walk. */
  returnTo: ReturnPoint | undefined;
  /** ACCEPT/DROP: the walk's end, the same object every time (walks allocate nothing). */
  end: FixedEnd | undefined;
}

/** Where a jump returns to. */
export interface ReturnPoint {
  readonly chain: CompiledChain;
  readonly next: number;
}

/** A walk's end that depends on nothing but the rule or chain that decided it. */
export interface FixedEnd {
  readonly kind: 'end';
  readonly verdict: 'ACCEPT' | 'DROP';
  readonly rule?: RuleRef;
  readonly policy?: boolean;
  /** The evaluator's verdict-only result for this end, made on first use. */
  verdictOnly?: ChainResult;
}

export interface CompiledChain {
  readonly name: string;
  /** Built-in chains end in their policy; user chains return to the caller. */
  readonly policy?: 'ACCEPT' | 'DROP';
  readonly rules: readonly CompiledRule[];
  /** For long chains of `-d host` rules (KUBE-SERVICES): which rules a destination can reach. */
  readonly index?: DestinationIndex;
  /** The end its policy gives (built-in chains; walks from a user chain make their own). */
  readonly policyEnd?: FixedEnd;
}

/**
 * Rules that require one destination address (`-d 10.96.0.20/32`) cannot match a packet to
 * any other address, and their address test comes first, so skipping them changes nothing
 * (no counter moves, no note is written). The index lists, in rule order, the rules without
 * such a requirement and, per address, the rules that require it.
 */
export interface DestinationIndex {
  readonly open: Int32Array;
  readonly byAddress: ReadonlyMap<string, Int32Array>;
}

/** Chains shorter than this are walked rule by rule: the index would not pay for itself. */
const INDEX_MIN_KEYED_RULES = 16;

/** The one host a rule's destination must be, when it says so without negation. */
function requiredDestination(rule: Rule): string | undefined {
  const ip = rule.matches.find(
    (m) => m.module === 'ip' && !m.negated && m.options.destination !== undefined,
  );
  const text = ip?.options.destination;
  if (!text || text.includes(',')) return undefined;
  const prefix = parseAddressPrefix(text);
  if (!prefix || prefix.mask.some((word) => word !== 0xffffffff)) return undefined;
  return addressKey({ family: prefix.family, words: prefix.network });
}

/** The index key of a packet's destination (matches `requiredDestination`). */
export function destinationKey(address: IpAddress | undefined): string {
  return address ? addressKey(address) : '';
}

function buildIndex(rules: readonly Rule[]): DestinationIndex | undefined {
  const keys = rules.map(requiredDestination);
  if (keys.filter((k) => k !== undefined).length < INDEX_MIN_KEYED_RULES) return undefined;
  const open: number[] = [];
  const byAddress = new Map<string, number[]>();
  keys.forEach((key, i) => {
    if (key === undefined) open.push(i);
    else byAddress.set(key, [...(byAddress.get(key) ?? []), i]);
  });
  return {
    open: Int32Array.from(open),
    byAddress: new Map([...byAddress].map(([k, list]) => [k, Int32Array.from(list)])),
  };
}

/** First entry of a sorted list at or after `from`, or `end`. */
function firstAtOrAfter(list: Int32Array | undefined, from: number, end: number): number {
  if (!list) return end;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] ?? end) < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? (list[lo] ?? end) : end;
}

/** The next rule at or after `from` that a packet to `key` could match. */
export function nextCandidate(
  index: DestinationIndex,
  from: number,
  key: string,
  end: number,
): number {
  return Math.min(
    firstAtOrAfter(index.open, from, end),
    firstAtOrAfter(index.byAddress.get(key), from, end),
  );
}

export interface CompiledTable {
  readonly name: TableName;
  readonly family: 4 | 6;
  readonly chains: ReadonlyMap<string, CompiledChain>;
  readonly hookChains: ReadonlyMap<Hook, CompiledChain>;
}

/** The hooks each table registers at (iptables refuses other built-in chains). */
export const TABLE_HOOKS: Readonly<Record<TableName, readonly Hook[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export const TABLE_NAMES: ReadonlySet<string> = new Set(Object.keys(TABLE_HOOKS));

/** iptables says ipv4/ipv6; nft says ip/ip6/inet. Other families (arp, bridge, netdev) carry no IP rules here. */
export function familiesOf(family: string): (4 | 6)[] {
  switch (family.toLowerCase()) {
    case 'ipv4':
    case 'ip':
      return [4];
    case 'ipv6':
    case 'ip6':
      return [6];
    case 'inet':
      return [4, 6];
    default:
      return [];
  }
}

function policyOf(text: string | undefined): 'ACCEPT' | 'DROP' | undefined {
  const upper = text?.toUpperCase();
  return upper === 'ACCEPT' || upper === 'DROP' ? upper : undefined;
}

/** Compiles every chain of a table for one family; jumps point at chain objects afterwards. */
export function compileTable(
  table: RuleTable,
  name: TableName,
  family: 4 | 6,
  env: MatchCompileEnv,
): CompiledTable {
  const chains = new Map<string, CompiledChain>();
  const hookChains = new Map<Hook, CompiledChain>();
  const hooks = TABLE_HOOKS[name];
  for (const chain of table.chains) {
    const rules: CompiledRule[] = chain.rules.map((rule, i) => ({
      ref: {
        table: name,
        chain: chain.name,
        index: i + 1,
        raw: rule.raw,
        locator: rule.locator,
        ...(rule.comment !== undefined ? { comment: rule.comment } : {}),
      },
      steps: compileRuleMatches(rule.matches, { ...env, family }),
      action: compileTarget(rule.target, name, family),
      flowStable: isFlowStableRule(rule.matches),
      flowReads: flowReadsOf(rule.matches),
      returnTo: undefined,
      end: undefined,
    }));
    for (const rule of rules) {
      const kind = rule.action.kind;
      if (kind === 'accept' || kind === 'drop')
        rule.end = {
          kind: 'end',
          verdict: kind === 'accept' ? 'ACCEPT' : 'DROP',
          rule: rule.ref,
          verdictOnly: undefined,
        };
    }
    const builtinHook = hooks.find(
      (h) => h === chain.name || (chain.hook !== undefined && chain.hook.toUpperCase() === h),
    );
    const policy = policyOf(chain.policy) ?? (builtinHook ? 'ACCEPT' : undefined);
    const index = buildIndex(chain.rules);
    const compiled: CompiledChain = {
      name: chain.name,
      rules,
      ...(policy
        ? {
            policy,
            policyEnd: { kind: 'end', verdict: policy, policy: true, verdictOnly: undefined },
          }
        : {}),
      ...(index ? { index } : {}),
    };
    chains.set(chain.name, compiled);
    if (builtinHook && !hookChains.has(builtinHook)) hookChains.set(builtinHook, compiled);
  }
  for (const chain of chains.values())
    chain.rules.forEach((rule, i) => {
      if (rule.action.kind !== 'jump') return;
      const target = chains.get(rule.action.chain);
      if (target) rule.jumpTo = target;
      rule.returnTo = { chain, next: i + 1 };
    });
  return { name, family, chains, hookChains };
}

/**
 * Whether every rule reachable from `base` (through jumps and gotos) is flow-stable and none
 * takes a NAT decision (which may pick a port at random): then a run's result depends only on
 * its inputs and may be cached per flow. Returns the FlowReads bits of those rules, or -1
 * when the chain is not flow-stable.
 */
export function flowStableReads(base: CompiledChain): number {
  let reads = 0;
  for (const chain of reachableChains(base)) {
    for (const rule of chain.rules) {
      if (!rule.flowStable || rule.action.kind === 'nat' || rule.action.kind === 'tproxy')
        return -1;
      reads |= rule.flowReads;
      // The reject decision looks at the flags (no reset answers a RST).
      if (rule.action.kind === 'reject') reads |= FlowReads.TcpFlags;
    }
  }
  return reads;
}

/** How many rules a walk from `base` could visit at most (every reachable chain once). */
export function reachableRuleCount(base: CompiledChain): number {
  let count = 0;
  for (const chain of reachableChains(base)) count += chain.rules.length;
  return count;
}

/** Every chain a walk from `base` can reach through jumps and gotos, each once. */
function reachableChains(base: CompiledChain): Set<CompiledChain> {
  const seen = new Set<CompiledChain>();
  const work = [base];
  while (work.length > 0) {
    const chain = work.pop() as CompiledChain;
    if (seen.has(chain)) continue;
    seen.add(chain);
    for (const rule of chain.rules) if (rule.jumpTo) work.push(rule.jumpTo);
  }
  return seen;
}
