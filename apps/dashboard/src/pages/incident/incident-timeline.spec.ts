import { describe, expect, it } from 'vitest';
import { incidentTimeline } from './incident-timeline';

describe('incidentTimeline', () => {
  it('should put creation, uploads, stages, findings, comments and status changes in time order', () => {
    const items = incidentTimeline({
      createdAt: '2026-01-01T10:00:00Z',
      mitigatedAt: '2026-01-01T12:00:00Z',
      resolvedAt: null,
      bundles: [{ createdAt: '2026-01-01T10:01:00Z', originalName: 'b.tgz' }],
      analyses: [
        {
          id: 'a',
          status: 'SUCCEEDED',
          queuedAt: '2026-01-01T10:01:00Z',
          finishedAt: '2026-01-01T10:02:00Z',
          stages: [
            { name: 'unpack', state: 'done', finishedAt: '2026-01-01T10:01:10Z' },
            {
              name: 'match',
              state: 'done',
              finishedAt: '2026-01-01T10:01:50Z',
              note: '1 finding(s)',
            },
            { name: 'persist', state: 'running', finishedAt: null },
          ],
          findings: [
            {
              createdAt: '2026-01-01T10:01:55Z',
              rootCauseId: 'ct-invalid',
              confidence: 0.934,
              rootCause: { title: 'INVALID not NATed' },
            },
          ],
        },
      ],
      comments: [{ createdAt: '2026-01-01T11:00:00Z', author: 'user:1' }],
    });
    expect(items.map((item) => item.text)).toEqual([
      'Incident opened',
      'Bundle uploaded: b.tgz',
      'Analysis queued',
      'Stage unpack done',
      'Stage match done: 1 finding(s)',
      'Finding: INVALID not NATed (confidence 93 %)',
      'Analysis succeeded',
      'Comment by user:1',
      'Marked mitigated',
    ]);
  });
});
