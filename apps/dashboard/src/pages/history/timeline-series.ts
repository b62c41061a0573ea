export interface TimelinePoint {
  /** ISO time of the bucket's start (UTC midnight of the day, or the week's Monday). */
  readonly start: string;
  readonly rootCauseId: string | null;
  readonly count: number;
}

export interface TimelineSeries {
  /** Bucket labels, "YYYY-MM-DD", oldest first, with empty buckets filled in. */
  readonly buckets: string[];
  readonly series: { readonly id: string; readonly name: string; readonly data: number[] }[];
}

export const NO_ROOT_CAUSE = 'none';
const DAY_MS = 86_400_000;
/** A chart of more buckets than this is unreadable; gaps are filled only below it. */
const MAX_FILLED_BUCKETS = 1_500;

/**
 * Shapes the API's (bucket, root cause, count) rows into one stacked series per root cause,
 * largest first, on a continuous axis so quiet days show as gaps rather than disappearing.
 */
export function toTimelineSeries(
  points: readonly TimelinePoint[],
  bucketDays: 1 | 7,
  titleOf: (rootCauseId: string) => string,
): TimelineSeries {
  if (points.length === 0) return { buckets: [], series: [] };
  const starts = points.map((point) => Date.parse(point.start));
  const first = Math.min(...starts);
  const last = Math.max(...starts);
  const step = bucketDays * DAY_MS;
  const count = Math.round((last - first) / step) + 1;
  const times =
    count <= MAX_FILLED_BUCKETS
      ? Array.from({ length: count }, (_, index) => first + index * step)
      : [...new Set(starts)].sort((a, b) => a - b);
  const indexOf = new Map(times.map((time, index) => [time, index]));

  const totals = new Map<string, number>();
  const rows = new Map<string, number[]>();
  points.forEach((point, pointIndex) => {
    const id = point.rootCauseId ?? NO_ROOT_CAUSE;
    const row = rows.get(id) ?? new Array<number>(times.length).fill(0);
    rows.set(id, row);
    const at = indexOf.get(starts[pointIndex] ?? Number.NaN);
    if (at !== undefined) row[at] = (row[at] ?? 0) + point.count;
    totals.set(id, (totals.get(id) ?? 0) + point.count);
  });
  const ids = [...rows.keys()].sort(
    (a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || a.localeCompare(b),
  );
  return {
    buckets: times.map((time) => new Date(time).toISOString().slice(0, 10)),
    series: ids.map((id) => ({
      id,
      name: id === NO_ROOT_CAUSE ? 'No finding' : titleOf(id),
      data: rows.get(id) ?? [],
    })),
  };
}

/** One sentence for screen readers: the range and the largest series. */
export function describeTimeline(data: TimelineSeries): string {
  const first = data.buckets[0];
  const last = data.buckets.at(-1);
  if (!first || !last) return 'No incidents to chart.';
  const totals = data.series
    .slice(0, 5)
    .map((series) => `${series.name}: ${series.data.reduce((sum, count) => sum + count, 0)}`);
  return `From ${first} to ${last}. ${totals.join('; ')}.`;
}
