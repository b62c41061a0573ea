import type { RuleMatch } from '@netmortem/domain';
import type { PacketContext } from './packet-context.js';

export type MatchTest = (ctx: PacketContext) => boolean;

/** `statistic --mode random`: a branch the evaluator can enumerate for NAT alternatives. */
export interface RandomStep {
  readonly kind: 'random';
  /** Matches when a 31-bit random number is below this (iptables stores p × 2^31). */
  readonly threshold: number;
  readonly inverted: boolean;
}

export interface TestStep {
  readonly kind: 'test';
  readonly test: MatchTest;
}

export type MatchStep = TestStep | RandomStep;

/** One `-m module …` with each option's own negation (the parser splits negated options). */
export interface ModuleInstance {
  readonly module: string;
  readonly options: ReadonlyMap<string, { readonly value: string; readonly negated: boolean }>;
}

/** What a compiler needs from the evaluator. */
export interface MatchCompileEnv {
  readonly family: 4 | 6;
  /** A per-rule counter for `statistic --mode nth`, starting at `initial`; returns its slot. */
  allocateCounter(initial: number): number;
  readonly counters: number[];
}

export type CompiledMatch = MatchStep | { readonly unsupported: string };

/**
 * Regroups the parser's matches into module instances: the parser emits a module's plain
 * options as one match and each negated option as its own, so consecutive matches of one
 * module belong together unless an option repeats (`-m mark --mark 1 -m mark ! --mark 2`).
 */
export function groupMatches(matches: readonly RuleMatch[]): ModuleInstance[] {
  const out: { module: string; options: Map<string, { value: string; negated: boolean }> }[] = [];
  for (const match of matches) {
    let current = out[out.length - 1];
    const keys = Object.keys(match.options);
    if (!current || current.module !== match.module || keys.some((k) => current!.options.has(k))) {
      current = { module: match.module, options: new Map() };
      out.push(current);
    }
    for (const key of keys)
      current.options.set(key, { value: match.options[key] ?? '', negated: match.negated });
  }
  return out;
}

/** ANDs option tests without an array walk for the common one- and two-option cases. */
export function allOf(tests: readonly MatchTest[]): MatchTest {
  const [a, b, c] = tests;
  if (!a) return () => true;
  if (!b) return a;
  if (!c) return (ctx) => a(ctx) && b(ctx);
  return (ctx) => {
    for (const t of tests) if (!t(ctx)) return false;
    return true;
  };
}

export function negate(test: MatchTest, negated: boolean): MatchTest {
  return negated ? (ctx) => !test(ctx) : test;
}

/** A match that holds but whose effect is assumed; the note reaches `unsupported`. */
export function assumed(test: MatchTest, note: string): MatchTest {
  return (ctx) => {
    if (!ctx.dry) ctx.notes.push(note);
    return test(ctx);
  };
}
