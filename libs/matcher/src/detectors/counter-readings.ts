import type { MatchContext } from '../context/match-context.js';
import type { EvidencePointer } from '../report/analysis-report.js';

/**
 * One kernel counter as the bundle shows it. Counters only grow, so with two snapshots
 * (before/after, in either order) the difference is what happened between them; with one, a
 * non-zero value says it happened at some time since boot (or since the namespace was made).
 */
export interface CounterReading {
  readonly name: string;
  /** The highest value seen: the latest. */
  readonly value: number;
  /** Growth between the lowest and highest snapshot, when the bundle holds more than one. */
  readonly growth?: number;
  readonly pointer: EvidencePointer;
}

/** A protocol counter (`nstat -az`, `netstat -s`, /proc/net/netstat) by its nstat name. */
export function netCounter(context: MatchContext, name: string): CounterReading | undefined {
  return reading(
    name,
    context.evidence.counters.flatMap((set) => {
      const value = set.counters[name];
      return value === undefined ? [] : [{ value, artifact: set.locator.artifact }];
    }),
  );
}

/** A `conntrack -S` counter summed over CPUs (found, drop, early_drop, insert_failed, …). */
export function conntrackCounter(context: MatchContext, name: string): CounterReading | undefined {
  return reading(
    name,
    context.evidence.conntrackStats.flatMap((stats) => {
      const value = stats.totals[name];
      return value === undefined ? [] : [{ value, artifact: stats.locator.artifact }];
    }),
  );
}

/** True when the counter shows events: it grew between snapshots, or its only snapshot is non-zero. */
export function counted(reading: CounterReading | undefined): boolean {
  return counting(reading) !== undefined;
}

/** The reading when it shows events (see `counted`), else undefined. */
export function counting(reading: CounterReading | undefined): CounterReading | undefined {
  if (reading === undefined) return undefined;
  const moved = reading.growth === undefined ? reading.value > 0 : reading.growth > 0;
  return moved ? reading : undefined;
}

/** `drop = 12 (+12 between snapshots)`: the reading as evidence text. */
export function readingText(reading: CounterReading): string {
  const growth =
    reading.growth === undefined
      ? ''
      : ` (${reading.growth > 0 ? `+${reading.growth}` : 'unchanged'} between snapshots)`;
  return `${reading.name} = ${reading.value}${growth}`;
}

function reading(
  name: string,
  seen: readonly { readonly value: number; readonly artifact: string }[],
): CounterReading | undefined {
  if (seen.length === 0) return undefined;
  let low = seen[0]!;
  let high = seen[0]!;
  for (const s of seen) {
    if (s.value < low.value) low = s;
    if (s.value > high.value) high = s;
  }
  const base = {
    name,
    value: high.value,
    pointer: { artifact: high.artifact, locator: '', note: name },
  };
  const out = seen.length > 1 ? { ...base, growth: high.value - low.value } : base;
  return { ...out, pointer: { ...out.pointer, note: readingText(out) } };
}
