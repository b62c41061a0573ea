import type { AnalysisProgress } from './models/analysis.model.js';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED']);

/**
 * The current state first (so a late subscriber is not left waiting), then live events,
 * ending after the analysis finishes. Events older than the snapshot are skipped.
 */
export async function* progressStream(
  snapshot: AnalysisProgress,
  live: AsyncIterableIterator<AnalysisProgress>,
): AsyncGenerator<{ analysisProgress: AnalysisProgress }> {
  try {
    yield { analysisProgress: snapshot };
    if (TERMINAL.has(snapshot.status)) return;
    for await (const event of live) {
      if (event.progress < snapshot.progress && !TERMINAL.has(event.status)) continue;
      yield { analysisProgress: event };
      if (TERMINAL.has(event.status)) return;
    }
  } finally {
    await live.return?.();
  }
}
