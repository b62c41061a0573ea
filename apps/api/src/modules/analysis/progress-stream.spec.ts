import { describe, expect, it } from 'vitest';
import type { AnalysisProgress } from './models/analysis.model.js';
import { progressStream } from './progress-stream.js';

function event(status: AnalysisProgress['status'], progress: number): AnalysisProgress {
  return { analysisId: 'a', status, stage: null, progress, error: null };
}

function liveOf(
  events: AnalysisProgress[],
): AsyncIterableIterator<AnalysisProgress> & { closed: boolean } {
  const iterator = (async function* () {
    for (const event of events) yield await Promise.resolve(event);
  })() as AsyncGenerator<AnalysisProgress> & { closed: boolean };
  iterator.closed = false;
  const original = iterator.return.bind(iterator);
  iterator.return = (value) => {
    iterator.closed = true;
    return original(value);
  };
  return iterator;
}

async function collect(
  stream: AsyncGenerator<{ analysisProgress: AnalysisProgress }>,
): Promise<string[]> {
  const seen: string[] = [];
  for await (const item of stream)
    seen.push(`${item.analysisProgress.status}:${item.analysisProgress.progress}`);
  return seen;
}

describe(progressStream.name, () => {
  it('should send the snapshot, newer events, and stop at the terminal state', async () => {
    const live = liveOf([
      event('RUNNING', 10),
      event('RUNNING', 45),
      event('SUCCEEDED', 100),
      event('RUNNING', 1),
    ]);
    expect(await collect(progressStream(event('RUNNING', 30), live))).toEqual([
      'RUNNING:30',
      'RUNNING:45',
      'SUCCEEDED:100',
    ]);
    expect(live.closed).toBe(true);
  });

  it('should end at once for an analysis that already finished', async () => {
    const live = liveOf([event('RUNNING', 50)]);
    expect(await collect(progressStream(event('FAILED', 30), live))).toEqual(['FAILED:30']);
    expect(live.closed).toBe(true);
  });
});
