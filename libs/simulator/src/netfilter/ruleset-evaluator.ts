import type { Ruleset } from '@netmortem/domain';
import {
  walkChain,
  restoreMarks,
  type WalkEnd,
  type WalkSnapshot,
  type WalkTrace,
} from './chain-walker.js';
import type { FlowVerdictCache } from './flow-verdict-cache.js';
import {
  compileTable,
  familiesOf,
  flowStableReads,
  reachableRuleCount,
  TABLE_NAMES,
  type CompiledChain,
  type CompiledTable,
  type FixedEnd,
} from './compiled-table.js';
import type { MatchCompileEnv } from './match-types.js';
import type {
  ChainResult,
  ConntrackView,
  EvaluationEnvironment,
  Hook,
  NatAlternative,
  NatDecision,
  PacketHeaders,
  RuleRef,
  TableName,
} from './netfilter-types.js';
import {
  AddressCache,
  LocalAddressIndex,
  reusePacketContext,
  type PacketContext,
} from './packet-context.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Below this many reachable rules a walk costs about what a per-flow cache lookup does (the
 * walk reads rules every flow shares, hot in the CPU cache; a flow's cache is one more object
 * to fetch): measured on the bench's kube-proxy FORWARD chain (5 rules), caching gained nothing.
 */
const FLOW_CACHE_MIN_RULES = 24;

/** Enough for any realistic load-balancing chain; beyond it the list is cut and said so. */
const MAX_ALTERNATIVE_PATHS = 1024;

/** What a verdict-only run leaves in `matched` and `unsupported`: nothing, shared. */
const NO_RULES: RuleRef[] = Object.freeze([]) as unknown as RuleRef[];
const NO_NOTES: ChainResult['unsupported'] = Object.freeze(
  [],
) as unknown as ChainResult['unsupported'];

/**
 * How much a run reports. `trace`: every rule that matched and every assumption (`matched`,
 * `unsupported`). `verdict`: the verdict, rule, NAT decision, marks, reject, and nothing in
 * `matched`/`unsupported` (the replay, which reads neither): a run then allocates nothing
 * unless a rule changes marks or takes a NAT/REJECT decision.
 */
export type RunDetail = 'trace' | 'verdict';

/**
 * Evaluates iptables rulesets (iptables-save, or nft rulesets in iptables shape) for one
 * packet at one hook of one table. Rulesets are compiled once here: addresses, ports and
 * marks parsed, jumps resolved, so a run costs a few closure calls per rule visited.
 *
 * NAT: the kernel consults the nat table only for the first packet of a connection (ctinfo
 * NEW); later packets reuse the binding stored in the conntrack entry. This evaluator does
 * not enforce that: the caller decides when to ask the nat table.
 *
 * When several tables of the same name and family exist (legacy and nft backends side by
 * side, or two dumps), each is traversed in turn like base chains at one hook: a DROP or
 * REJECT stops, ACCEPT goes on to the next, and the first NAT decision wins.
 *
 * Marks: a run starts from `packet.mark` and `ct.mark`; MARK/CONNMARK/TPROXY changes come
 * back as `setMark` / `setConnmark`, which the caller carries to the next hook (that is how
 * KUBE-MARK-MASQ in PREROUTING reaches the MASQUERADE rule in POSTROUTING).
 *
 * Matches the model cannot judge (ipsets, connlimit, recent, string, u32, …) never match and
 * are listed in `unsupported` with what was assumed; `limit`/`hashlimit` are assumed under
 * their rate. Nothing in a ruleset makes a run throw.
 */
export class RulesetEvaluator {
  /** Per family, per table name: the compiled tables in the order the rulesets gave them. */
  private readonly tables: Record<4 | 6, Partial<Record<TableName, CompiledTable[]>>> = {
    4: {},
    6: {},
  };
  /** statistic --mode nth counters, one slot per match, kept across runs like the kernel's. */
  private readonly counters: number[] = [];
  private readonly addresses = new AddressCache();
  private readonly locals: LocalAddressIndex;
  /** Per family, table and hook: whether runs may be cached per flow (computed on first use). */
  private readonly worthwhile: Record<
    4 | 6,
    Partial<Record<TableName, Partial<Record<Hook, boolean>>>>
  > = { 4: {}, 6: {} };
  private readonly stable: Record<
    4 | 6,
    Partial<Record<TableName, Partial<Record<Hook, number>>>>
  > = { 4: {}, 6: {} };
  /** The context of the last run, reset for the next (runs never overlap). */
  private context: PacketContext | undefined;
  private readonly quietTrace: { firstChoice?: WalkTrace['firstChoice'] } = {
    firstChoice: undefined,
  };

  constructor(
    rulesets: readonly Ruleset[],
    private readonly env: EvaluationEnvironment,
  ) {
    this.locals = new LocalAddressIndex(env, this.addresses);
    const compileEnv: Omit<MatchCompileEnv, 'family'> = {
      counters: this.counters,
      allocateCounter: (initial) => this.counters.push(initial) - 1,
    };
    for (const ruleset of rulesets) {
      for (const table of ruleset.tables) {
        if (!TABLE_NAMES.has(table.name)) continue;
        const name = table.name as TableName;
        for (const family of familiesOf(table.family)) {
          const compiled = compileTable(table, name, family, { ...compileEnv, family });
          (this.tables[family][name] ??= []).push(compiled);
        }
      }
    }
  }

  /** Whether any ruleset has this table (for the family, when given). */
  has(table: TableName, family?: 4 | 6): boolean {
    if (family !== undefined) return this.tables[family][table] !== undefined;
    return this.tables[4][table] !== undefined || this.tables[6][table] !== undefined;
  }

  /**
   * `run`, remembered per flow: when every rule the hook's chains can reach reads only per-flow
   * inputs (see FlowVerdictCache), a run with the same inputs as an earlier one of this flow
   * returns that run's result without walking. Otherwise, or on a miss, it is `run`.
   */
  runForFlow(
    table: TableName,
    hook: Hook,
    packet: PacketHeaders,
    ct: ConntrackView,
    cache: FlowVerdictCache,
    detail: RunDetail = 'trace',
  ): ChainResult {
    const reads = this.flowReads(table, hook, packet.family);
    if (reads < 0) return this.run(table, hook, packet, ct, detail);
    const localCount = this.env.localAddresses.size;
    const hit = cache.find(table, hook, packet, ct, localCount, reads, detail);
    if (hit !== undefined) return hit;
    const result = this.run(table, hook, packet, ct, detail);
    cache.store(table, hook, packet, ct, localCount, reads, result, detail);
    return result;
  }

  /**
   * Whether a caller gains by keeping a FlowVerdictCache for this table and hook: the runs are
   * cacheable (flowReads >= 0) and the chains long enough for a walk to cost more than a lookup.
   */
  flowCacheWorthwhile(table: TableName, hook: Hook, family: 4 | 6): boolean {
    const byHook = (this.worthwhile[family][table] ??= {});
    let worthwhile = byHook[hook];
    if (worthwhile === undefined) {
      let rules = 0;
      for (const compiled of this.tables[family][table] ?? []) {
        const base = compiled.hookChains.get(hook);
        if (base) rules += reachableRuleCount(base);
      }
      worthwhile = rules >= FLOW_CACHE_MIN_RULES && this.flowReads(table, hook, family) >= 0;
      byHook[hook] = worthwhile;
    }
    return worthwhile;
  }

  /**
   * Whether runs of this table at this hook can be cached per flow: -1 when not, else the
   * optional inputs (FlowReads bits) its rules read.
   */
  flowReads(table: TableName, hook: Hook, family: 4 | 6): number {
    const byHook = (this.stable[family][table] ??= {});
    let reads = byHook[hook];
    if (reads === undefined) {
      reads = 0;
      for (const compiled of this.tables[family][table] ?? []) {
        const base = compiled.hookChains.get(hook);
        const chainReads = base === undefined ? 0 : flowStableReads(base);
        if (chainReads < 0) {
          reads = -1;
          break;
        }
        reads |= chainReads;
      }
      byHook[hook] = reads;
    }
    return reads;
  }

  run(
    table: TableName,
    hook: Hook,
    packet: PacketHeaders,
    ct: ConntrackView,
    detail: RunDetail = 'trace',
  ): ChainResult {
    const candidates = this.tables[packet.family][table];
    const traced = detail === 'trace';
    const matched: RuleRef[] = traced ? [] : NO_RULES;
    const unsupported: ChainResult['unsupported'] = traced ? [] : NO_NOTES;
    if (!candidates) return { verdict: 'NONE', matched, unsupported };
    const ctx = reusePacketContext(
      this.context,
      packet,
      ct,
      hook,
      this.env,
      this.addresses,
      this.locals,
    );
    this.context = ctx;
    let decided: WalkEnd | undefined;
    let alternatives: NatAlternative[] | undefined;
    const trace: WalkTrace = traced ? { matched, unsupported } : this.quietTrace;
    for (const compiled of candidates) {
      const base = compiled.hookChains.get(hook);
      if (!base) continue;
      trace.firstChoice = undefined;
      const outcome = walkChain(base, undefined, ctx, undefined, trace);
      if (outcome.kind !== 'end') continue; // live walks always end
      decided = outcome;
      if (outcome.nat && trace.firstChoice) {
        alternatives = this.enumerateNat(
          base,
          trace.firstChoice,
          ctx,
          traced ? unsupported : undefined,
          outcome.nat.rule,
        );
      }
      if (outcome.verdict !== 'ACCEPT' || outcome.nat) break;
    }
    trace.firstChoice = undefined;
    if (!decided) return { verdict: 'NONE', matched, unsupported };
    const fixed =
      !traced &&
      decided.nat === undefined &&
      decided.reject === undefined &&
      !ctx.notrack &&
      !ctx.markChanged &&
      !ctx.ctmarkChanged;
    // Ends without NAT or REJECT are the fixed objects of their rule or chain (FixedEnd).
    const end = decided as FixedEnd;
    if (fixed && end.verdictOnly !== undefined) return end.verdictOnly;
    // Plain assignments, not spreads: this runs for every packet at every hook.
    const result: Writable<ChainResult> = { verdict: decided.verdict, matched, unsupported };
    if (decided.rule) result.rule = decided.rule;
    if (decided.policy) result.policy = true;
    if (decided.reject) result.reject = decided.reject;
    if (decided.nat)
      result.nat = alternatives ? withAlternatives(decided.nat, alternatives) : decided.nat;
    if (ctx.notrack) result.notrack = true;
    if (ctx.markChanged) result.setMark = ctx.mark;
    if (ctx.ctmarkChanged) result.setConnmark = ctx.ctmark;
    if (fixed) end.verdictOnly = result;
    return result;
  }

  /**
   * Follows both outcomes of every random statistic match from the first one the live walk
   * met, without touching nth counters, and sums the probability of each NAT rule reached.
   */
  private enumerateNat(
    base: CompiledChain,
    first: WalkSnapshot,
    ctx: PacketContext,
    unsupported: ChainResult['unsupported'] | undefined,
    chosen: RuleRef,
  ): NatAlternative[] {
    const live = {
      mark: ctx.mark,
      ctmark: ctx.ctmark,
      markChanged: ctx.markChanged,
      ctmarkChanged: ctx.ctmarkChanged,
      notrack: ctx.notrack,
    };
    const found = new Map<RuleRef, { probability: number; to: NatAlternative['to'] }>();
    const work: { at: WalkSnapshot; outcome: boolean; probability: number }[] = [
      { at: first, outcome: false, probability: 1 - first.pTrue },
      { at: first, outcome: true, probability: first.pTrue },
    ];
    let paths = 0;
    ctx.dry = true;
    try {
      while (work.length > 0) {
        const item = work.pop()!;
        if (item.probability <= 0) continue;
        if (++paths > MAX_ALTERNATIVE_PATHS) {
          unsupported?.push({
            rule: chosen,
            what: `NAT alternatives cut after ${MAX_ALTERNATIVE_PATHS} random branches`,
          });
          break;
        }
        restoreMarks(ctx, item.at.marks);
        const outcome = walkChain(base, item.at, ctx, item.outcome, undefined);
        if (outcome.kind === 'branch') {
          const p = outcome.at.pTrue;
          // Pushed false first so the matching branch is explored first: rule order is kept.
          work.push({ at: outcome.at, outcome: false, probability: item.probability * (1 - p) });
          work.push({ at: outcome.at, outcome: true, probability: item.probability * p });
        } else if (outcome.nat) {
          const seen = found.get(outcome.nat.rule);
          if (seen) seen.probability += item.probability;
          else found.set(outcome.nat.rule, { probability: item.probability, to: outcome.nat.to });
        }
      }
    } finally {
      ctx.dry = false;
      restoreMarks(ctx, live);
    }
    return [...found].map(([rule, { probability, to }]) => ({ rule, probability, to }));
  }
}

/** The decision with its alternatives: a plain copy (an object spread is several times slower). */
function withAlternatives(nat: NatDecision, alternatives: NatAlternative[]): NatDecision {
  const copy: Writable<NatDecision> = { kind: nat.kind, rule: nat.rule, to: nat.to };
  if (nat.range !== undefined) copy.range = nat.range;
  if (nat.flags !== undefined) copy.flags = nat.flags;
  if (nat.approximate !== undefined) copy.approximate = nat.approximate;
  if (nat.tproxy !== undefined) copy.tproxy = nat.tproxy;
  copy.alternatives = alternatives;
  return copy;
}
