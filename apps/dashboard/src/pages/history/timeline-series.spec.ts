import { describe, expect, it } from 'vitest';
import { describeTimeline, toTimelineSeries } from './timeline-series';

const title = (id: string) => id.toUpperCase();

describe(toTimelineSeries.name, () => {
  it('should stack root causes per day, fill quiet days and put the largest series first', () => {
    const result = toTimelineSeries(
      [
        { start: '2026-11-01T00:00:00.000Z', rootCauseId: 'a', count: 1 },
        { start: '2026-11-01T00:00:00.000Z', rootCauseId: 'b', count: 2 },
        { start: '2026-11-03T00:00:00.000Z', rootCauseId: null, count: 1 },
        { start: '2026-11-03T00:00:00.000Z', rootCauseId: 'b', count: 1 },
      ],
      1,
      title,
    );
    expect(result.buckets).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(result.series).toEqual([
      { id: 'b', name: 'B', data: [2, 0, 1] },
      { id: 'a', name: 'A', data: [1, 0, 0] },
      { id: 'none', name: 'No finding', data: [0, 0, 1] },
    ]);
  });

  it('should step by weeks and handle no data', () => {
    const weekly = toTimelineSeries(
      [
        { start: '2026-11-02T00:00:00.000Z', rootCauseId: 'a', count: 3 },
        { start: '2026-11-16T00:00:00.000Z', rootCauseId: 'a', count: 1 },
      ],
      7,
      title,
    );
    expect(weekly.buckets).toEqual(['2026-11-02', '2026-11-09', '2026-11-16']);
    expect(weekly.series[0]?.data).toEqual([3, 0, 1]);
    expect(toTimelineSeries([], 1, title)).toEqual({ buckets: [], series: [] });
  });

  it('should keep only the buckets with data when the range is too long to fill', () => {
    const sparse = toTimelineSeries(
      [
        { start: '2000-01-01T00:00:00.000Z', rootCauseId: 'a', count: 1 },
        { start: '2026-01-01T00:00:00.000Z', rootCauseId: 'a', count: 1 },
      ],
      1,
      title,
    );
    expect(sparse.buckets).toEqual(['2000-01-01', '2026-01-01']);
  });
});

describe(describeTimeline.name, () => {
  it('should name the range and the largest series', () => {
    expect(
      describeTimeline({
        buckets: ['2026-11-01', '2026-11-02'],
        series: [{ id: 'a', name: 'A', data: [2, 1] }],
      }),
    ).toBe('From 2026-11-01 to 2026-11-02. A: 3.');
    expect(describeTimeline({ buckets: [], series: [] })).toBe('No incidents to chart.');
  });
});
