import { describe, expect, it } from 'vitest';
import { parseAnalysisProgressEvent } from './analysis-events.js';

describe(parseAnalysisProgressEvent.name, () => {
  it('should read what the UPDATE … pg_notify statement sends', () => {
    const payload = JSON.stringify({
      analysisId: 'a',
      teamId: 't',
      status: 'running',
      stage: 'detect',
      progress: 45,
      error: null,
    });
    expect(parseAnalysisProgressEvent(payload)).toEqual({
      analysisId: 'a',
      teamId: 't',
      status: 'RUNNING',
      stage: 'detect',
      progress: 45,
      error: null,
    });
  });

  it('should drop malformed payloads instead of trusting them', () => {
    expect(parseAnalysisProgressEvent(undefined)).toBeNull();
    expect(parseAnalysisProgressEvent('{')).toBeNull();
    expect(parseAnalysisProgressEvent('{"analysisId": 1}')).toBeNull();
  });
});
