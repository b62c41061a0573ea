import type { CtInfo } from '../model/index.js';
import { parseAddressPrefix, prefixContains } from './ip-address.js';
import {
  allOf,
  assumed,
  negate,
  type CompiledMatch,
  type MatchCompileEnv,
  type MatchTest,
  type ModuleInstance,
} from './match-types.js';
import { parseMarkValue, parsePortRange, protocolNumber } from './match-values.js';
import type { PacketContext } from './packet-context.js';
import { compileOptions } from './packet-matches.js';

const STATE_BITS: Readonly<Record<string, number>> = {
  INVALID: 1, ESTABLISHED: 2, RELATED: 4, NEW: 8, UNTRACKED: 16, SNAT: 32, DNAT: 64,
}; // prettier-ignore

const CTINFO_BITS: Readonly<Record<CtInfo, number>> = {
  INVALID: 1, ESTABLISHED: 2, RELATED: 4, NEW: 8, UNTRACKED: 16,
}; // prettier-ignore

function parseStateMask(text: string, allowNat: boolean): number | string {
  let mask = 0;
  for (const name of text.split(',')) {
    const bit = STATE_BITS[name.trim().toUpperCase()];
    if (bit === undefined || (!allowNat && bit > 16)) return `state "${name}" is not known`;
    mask |= bit;
  }
  return mask;
}

/** The state bits conntrack shows a packet: its ctinfo, plus SNAT/DNAT when a binding exists. */
function stateBits(ctx: PacketContext): number {
  const ct = ctx.ct;
  let bits = CTINFO_BITS[ct.ctinfo];
  if (hasEntry(ctx)) {
    if (ct.snat) bits |= STATE_BITS.SNAT ?? 0;
    if (ct.dnat) bits |= STATE_BITS.DNAT ?? 0;
  }
  return bits;
}

/** INVALID and UNTRACKED packets carry no entry: entry-based options cannot hold. */
function hasEntry(ctx: PacketContext): boolean {
  return ctx.ct.ctinfo !== 'INVALID' && ctx.ct.ctinfo !== 'UNTRACKED';
}

const STATUS: Readonly<Record<string, (ctx: PacketContext) => boolean>> = {
  NONE: () => false, // a zero mask: the kernel's test can never hold
  EXPECTED: () => false,
  SEEN_REPLY: (ctx) => ctx.ct.seenReply,
  ASSURED: (ctx) => ctx.ct.assured,
  CONFIRMED: (ctx) => ctx.ct.confirmed ?? ctx.ct.ctinfo !== 'NEW',
};

type TupleField = 'origsrc' | 'origdst' | 'replsrc' | 'repldst';

function tuplePort(ctx: PacketContext, field: string): number | undefined {
  const tuple = field.startsWith('ctorig') ? ctx.originalTuple() : ctx.replyTuple();
  if (!tuple) return undefined;
  return field.includes('srcport') ? tuple.srcPort : tuple.dstPort;
}

/**
 * `-m conntrack`. As in the kernel, a packet without an entry (INVALID, UNTRACKED) is judged
 * by --ctstate alone: with it, the state decides; without it, the match fails.
 */
export function compileConntrackMatch(
  instance: ModuleInstance,
  env: MatchCompileEnv,
): CompiledMatch {
  let stateTest: MatchTest | undefined;
  const entryTests: MatchTest[] = [];
  for (const [key, { value, negated }] of instance.options) {
    let test: MatchTest | string;
    switch (key) {
      case 'ctstate': {
        const mask = parseStateMask(value, true);
        if (typeof mask === 'string') return { unsupported: mask };
        stateTest = negate((ctx) => (stateBits(ctx) & mask) !== 0, negated);
        continue;
      }
      case 'ctproto': {
        const number = protocolNumber(value);
        test =
          number === undefined
            ? `protocol "${value}" is not known`
            : (ctx) => (ctx.originalTuple()?.protocol ?? -1) === number;
        break;
      }
      case 'ctorigsrc':
      case 'ctorigdst':
      case 'ctreplsrc':
      case 'ctrepldst': {
        const prefix = parseAddressPrefix(value);
        const field = key.slice(2) as TupleField;
        test =
          !prefix || prefix.family !== env.family
            ? `conntrack address "${value}" is not readable`
            : (ctx) => {
                const a = ctx.tupleAddress(field);
                return a !== undefined && prefixContains(prefix, a);
              };
        break;
      }
      case 'ctorigsrcport':
      case 'ctorigdstport':
      case 'ctreplsrcport':
      case 'ctrepldstport': {
        const range = parsePortRange(value);
        test = !range
          ? `conntrack port "${value}" is not readable`
          : (ctx) => {
              const port = tuplePort(ctx, key);
              return port !== undefined && port >= range.min && port <= range.max;
            };
        break;
      }
      case 'ctstatus': {
        const names = value.split(',').map((s) => s.trim().toUpperCase());
        const tests = names.map((n) => STATUS[n]);
        test = tests.some((t) => !t)
          ? `conntrack status "${value}" is not known`
          : (ctx) => tests.some((t) => t!(ctx));
        break;
      }
      case 'ctdir': {
        const dir = value.toUpperCase();
        test =
          dir === 'ORIGINAL' || dir === 'REPLY'
            ? (ctx) =>
                (ctx.ct.direction ?? 'original') === (dir === 'ORIGINAL' ? 'original' : 'reply')
            : `direction "${value}" is not known`;
        break;
      }
      case 'ctexpire': {
        const range = parsePortRange(value);
        test = !range
          ? `expiry "${value}" is not readable`
          : (ctx) => {
              const left = ctx.ct.expiresInSec;
              if (left === undefined) {
                if (!ctx.dry)
                  ctx.notes.push(
                    '--ctexpire: time left on the entry unknown, assumed not to match',
                  );
                return false;
              }
              return left >= range.min && left <= range.max;
            };
        break;
      }
      default:
        test = `-m conntrack --${key} is not modelled`;
    }
    if (typeof test === 'string') return { unsupported: test };
    entryTests.push(negate(test, negated));
  }
  const entry = allOf(entryTests);
  const withState = stateTest !== undefined;
  const state = stateTest ?? (() => true);
  return {
    kind: 'test',
    test: (ctx) => {
      if (!state(ctx)) return false;
      if (!hasEntry(ctx)) return withState;
      return entry(ctx);
    },
  };
}

/** `-m state --state`: the older match, same bits without SNAT/DNAT. */
export function compileStateMatch(instance: ModuleInstance): CompiledMatch {
  const result = compileOptions(instance, (key, value) => {
    if (key !== 'state') return `-m state --${key} is not modelled`;
    const mask = parseStateMask(value, false);
    if (typeof mask === 'string') return mask;
    return (ctx) => (CTINFO_BITS[ctx.ct.ctinfo] & mask) !== 0;
  });
  return 'unsupported' in result ? result : { kind: 'test', test: result.test };
}

/** `-m mark` reads the packet mark; `-m connmark` the entry's (no entry: no match, even negated). */
export function compileMarkMatch(instance: ModuleInstance): CompiledMatch {
  const onEntry = instance.module === 'connmark';
  const result = compileOptions(instance, (key, value) => {
    if (key !== 'mark') return `-m ${instance.module} --${key} is not modelled`;
    const mark = parseMarkValue(value);
    if (!mark) return `mark "${value}" is not readable`;
    const { mask } = mark;
    const expected = (mark.value & mask) >>> 0;
    return onEntry
      ? (ctx) => (ctx.ctmark & mask) >>> 0 === expected
      : (ctx) => (ctx.mark & mask) >>> 0 === expected;
  });
  if ('unsupported' in result) return result;
  const test = result.test;
  return { kind: 'test', test: onEntry ? (ctx) => hasEntry(ctx) && test(ctx) : test };
}

/**
 * `-m statistic`. Random mode becomes a branch step (the evaluator draws from env.random, or
 * enumerates both outcomes for NAT alternatives). Nth mode keeps a per-rule counter the way
 * the kernel does: it starts at every-1-packet, advances on each evaluation, wrapping after
 * every-1, and the match holds when it wraps to 0.
 */
export function compileStatisticMatch(
  instance: ModuleInstance,
  env: MatchCompileEnv,
): CompiledMatch {
  const get = (key: string) => instance.options.get(key)?.value;
  // iptables prints a single "!" for the whole match, wherever it lands among the options.
  const inverted = [...instance.options.values()].some((o) => o.negated);
  const mode = get('mode');
  if (mode === 'random') {
    const p = Number(get('probability') ?? 'NaN');
    if (!Number.isFinite(p) || p < 0 || p > 1)
      return { unsupported: `statistic probability "${get('probability')}" is not readable` };
    // iptables rounds p × 2^31 into a 31-bit threshold; a 31-bit random number below it matches.
    return { kind: 'random', threshold: Math.round(p * 0x80000000), inverted };
  }
  if (mode === 'nth') {
    const every = Number(get('every') ?? 'NaN');
    const packet = Number(get('packet') ?? '0');
    if (
      !Number.isInteger(every) ||
      every < 1 ||
      !Number.isInteger(packet) ||
      packet < 0 ||
      packet >= every
    )
      return {
        unsupported: `statistic nth --every ${get('every')} --packet ${get('packet')} is not readable`,
      };
    const last = every - 1;
    const slot = env.allocateCounter(last - packet);
    const counters = env.counters;
    return {
      kind: 'test',
      test: (ctx) => {
        const current = counters[slot] ?? 0;
        const next = current === last ? 0 : current + 1;
        if (!ctx.dry) counters[slot] = next;
        return (next === 0) !== inverted;
      },
    };
  }
  return { unsupported: `statistic mode "${mode ?? ''}" is not known` };
}

/** Matches that always hold here: comments and accounting; rate limits are assumed not exceeded. */
export function compileAlwaysMatch(instance: ModuleInstance): CompiledMatch {
  const always: MatchTest = () => true;
  if (instance.module === 'limit' || instance.module === 'hashlimit') {
    const rate =
      instance.options.get('limit')?.value ??
      instance.options.get('hashlimit-upto')?.value ??
      instance.options.get('hashlimit-above')?.value;
    const above = instance.options.has('hashlimit-above');
    const negated = [...instance.options.values()].some((o) => o.negated);
    // Under the limit: `--limit`/`--hashlimit-upto` hold, `--hashlimit-above` does not.
    const matches = above === negated;
    return {
      kind: 'test',
      test: assumed(
        () => matches,
        `-m ${instance.module}${rate ? ` ${rate}` : ''}: rates are not modelled, assumed under the limit`,
      ),
    };
  }
  return { kind: 'test', test: always };
}
