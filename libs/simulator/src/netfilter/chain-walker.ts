import {
  destinationKey,
  nextCandidate,
  type CompiledChain,
  type CompiledRule,
  type FixedEnd,
  type ReturnPoint,
} from './compiled-table.js';
import type { NatDecision, RejectDecision, RuleRef, UnsupportedNote } from './netfilter-types.js';
import type { MutableMarks, PacketContext } from './packet-context.js';
import { rejectDecision } from './reject-types.js';
import { applyTproxyMark, natDecision, tproxyDecision } from './rule-targets.js';

/** Where a jump returns to (made once per jump rule at compile time). */
type Frame = ReturnPoint;

/** A resumable point of a traversal: taken before a random statistic match decides. */
export interface WalkSnapshot {
  readonly stack: readonly Frame[];
  readonly chain: CompiledChain;
  readonly rule: number;
  readonly step: number;
  readonly marks: Readonly<MutableMarks>;
  /** Probability that the pending random match holds. */
  readonly pTrue: number;
}

export interface WalkEnd {
  readonly kind: 'end';
  readonly verdict: 'ACCEPT' | 'DROP' | 'REJECT';
  readonly rule?: RuleRef;
  readonly policy?: boolean;
  readonly reject?: RejectDecision;
  readonly nat?: NatDecision;
}

export type WalkOutcome = WalkEnd | { readonly kind: 'branch'; readonly at: WalkSnapshot };

/**
 * What a live walk records besides its verdict. Without `matched`/`unsupported` (a caller
 * that only wants the verdict) the walk keeps no trace of rules and notes.
 */
export interface WalkTrace {
  readonly matched?: RuleRef[];
  readonly unsupported?: UnsupportedNote[];
  firstChoice?: WalkSnapshot;
}

/** Guards against malformed input (iptables itself refuses loops). */
const MAX_RULES_VISITED = 500_000;
const MAX_DEPTH = 256;
const RANDOM_SCALE = 0x80000000;

function copyMarks(m: MutableMarks): MutableMarks {
  return {
    mark: m.mark,
    ctmark: m.ctmark,
    markChanged: m.markChanged,
    ctmarkChanged: m.ctmarkChanged,
    notrack: m.notrack,
  };
}

export function restoreMarks(ctx: PacketContext, m: Readonly<MutableMarks>): void {
  ctx.mark = m.mark;
  ctx.ctmark = m.ctmark;
  ctx.markChanged = m.markChanged;
  ctx.ctmarkChanged = m.ctmarkChanged;
  ctx.notrack = m.notrack;
}

export function startOf(chain: CompiledChain, ctx: PacketContext): WalkSnapshot {
  return { stack: [], chain, rule: 0, step: 0, marks: copyMarks(ctx), pTrue: 1 };
}

/**
 * The walk's stack, shared by every walk: a walk runs to its end before the next starts (no
 * match or target walks a chain), and snapshots copy it. A million packets, no arrays. Its
 * depth is counted apart: emptying an array by `length = 0` frees its storage, and the next
 * push would allocate it again.
 */
const sharedStack: Frame[] = [];

function stackCopy(depth: number): Frame[] {
  return sharedStack.slice(0, depth);
}

function policyEnd(base: CompiledChain): FixedEnd {
  return base.policyEnd ?? { kind: 'end', verdict: base.policy ?? 'ACCEPT', policy: true };
}

function noteOn(trace: WalkTrace | undefined, rule: CompiledRule, what: string): void {
  trace?.unsupported?.push({ rule: rule.ref, what });
}

/**
 * Runs a built-in chain the way x_tables does: rules in order, -j pushes a return point,
 * -g replaces the current chain, RETURN (or the end) of a user chain pops back, and the end
 * of the built-in chain (or a RETURN with nothing to pop) applies its policy.
 *
 * Live walks draw random statistic matches from env.random and record the first such point;
 * dry walks (enumerating NAT alternatives) stop at each unforced random match and hand back
 * a snapshot so both outcomes can be followed.
 */
export function walkChain(
  base: CompiledChain,
  from: WalkSnapshot | undefined,
  ctx: PacketContext,
  forced: boolean | undefined,
  trace: WalkTrace | undefined,
): WalkOutcome {
  // `from` undefined: the start of `base` (a live walk needs no snapshot to begin).
  const stack = sharedStack;
  let depth = 0;
  if (from) for (const frame of from.stack) stack[depth++] = frame;
  let chain = from ? from.chain : base;
  let i = from ? from.rule : 0;
  let firstStep = from ? from.step : 0;
  let pending = forced;
  let visited = 0;
  let dstKey: string | undefined;

  for (;;) {
    // Resuming mid-rule (firstStep > 0) must not skip the rule being resumed.
    if (chain.index && firstStep === 0 && i < chain.rules.length) {
      dstKey ??= destinationKey(ctx.dst);
      i = nextCandidate(chain.index, i, dstKey, chain.rules.length);
    }
    if (i >= chain.rules.length) {
      if (depth === 0) return policyEnd(base);
      const frame = stack[--depth] as Frame;
      chain = frame.chain;
      i = frame.next;
      continue;
    }
    const rule = chain.rules[i]!;
    if (++visited > MAX_RULES_VISITED) {
      noteOn(
        trace,
        rule,
        `traversal stopped after ${MAX_RULES_VISITED} rules (a loop?): the chain policy was applied`,
      );
      return policyEnd(base);
    }
    let holds = true;
    const steps = rule.steps;
    for (let s = firstStep; s < steps.length; s += 1) {
      const step = steps[s]!;
      if (step.kind === 'test') {
        if (!step.test(ctx)) {
          holds = false;
          break;
        }
        continue;
      }
      const pMatch = step.threshold / RANDOM_SCALE;
      const pTrue = step.inverted ? 1 - pMatch : pMatch;
      let hit: boolean;
      if (pending !== undefined && s === firstStep) {
        hit = pending;
        pending = undefined;
      } else if (ctx.dry) {
        return {
          kind: 'branch',
          at: { stack: stackCopy(depth), chain, rule: i, step: s, marks: copyMarks(ctx), pTrue },
        };
      } else {
        if (trace && !trace.firstChoice)
          trace.firstChoice = {
            stack: stackCopy(depth),
            chain,
            rule: i,
            step: s,
            marks: copyMarks(ctx),
            pTrue,
          };
        const draw = Math.floor(ctx.env.random() * RANDOM_SCALE);
        hit = draw < step.threshold !== step.inverted;
      }
      if (!hit) {
        holds = false;
        break;
      }
    }
    firstStep = 0;
    if (ctx.notes.length > 0) {
      for (const what of ctx.notes) noteOn(trace, rule, what);
      ctx.notes.length = 0;
    }
    if (!holds) {
      i += 1;
      continue;
    }
    trace?.matched?.push(rule.ref);
    const action = rule.action;
    switch (action.kind) {
      case 'continue':
        break;
      case 'accept':
        return rule.end ?? { kind: 'end', verdict: 'ACCEPT', rule: rule.ref };
      case 'drop':
        return rule.end ?? { kind: 'end', verdict: 'DROP', rule: rule.ref };
      case 'reject':
        return {
          kind: 'end',
          verdict: 'REJECT',
          rule: rule.ref,
          reject: rejectDecision(action.spec, ctx.packet),
        };
      case 'return': {
        if (depth === 0) return policyEnd(base);
        const frame = stack[--depth] as Frame;
        chain = frame.chain;
        i = frame.next;
        continue;
      }
      case 'jump': {
        const target = rule.jumpTo;
        if (!target) {
          noteOn(
            trace,
            rule,
            `jump to chain ${action.chain}, which the dump does not define: assumed no effect`,
          );
          break;
        }
        if (depth >= MAX_DEPTH) {
          noteOn(trace, rule, `jump depth over ${MAX_DEPTH}: the jump was not followed`);
          break;
        }
        if (!action.goto) stack[depth++] = rule.returnTo ?? { chain, next: i + 1 };
        chain = target;
        i = 0;
        continue;
      }
      case 'nat':
        if (!action.target.hooks.has(ctx.hook)) {
          noteOn(
            trace,
            rule,
            `${action.target.kind} is not valid in ${ctx.hook}: assumed no effect`,
          );
          break;
        }
        return {
          kind: 'end',
          verdict: 'ACCEPT',
          rule: rule.ref,
          nat: natDecision(action.target, ctx, rule.ref),
        };
      case 'marks':
        action.apply(ctx, ctx.ct.ctinfo !== 'INVALID' && ctx.ct.ctinfo !== 'UNTRACKED');
        break;
      case 'notrack':
        ctx.notrack = true;
        if (action.note) noteOn(trace, rule, action.note);
        break;
      case 'tproxy':
        if (ctx.hook !== 'PREROUTING') {
          noteOn(trace, rule, `TPROXY is only valid in PREROUTING: assumed no effect`);
          break;
        }
        applyTproxyMark(action.target, ctx);
        return {
          kind: 'end',
          verdict: 'ACCEPT',
          rule: rule.ref,
          nat: tproxyDecision(action.target, ctx, rule.ref),
        };
      case 'unsupported':
        noteOn(trace, rule, action.what);
        break;
    }
    i += 1;
  }
}
