import { BadInputError } from '@netmortem/domain';

/** Job payloads carry ids only; the data itself lives in PostgreSQL and the object store. */
export interface AnalysisJobData {
  readonly analysisId: string;
  readonly bundleId: string;
  readonly teamId: string;
  /** The HTTP request that queued the work, so logs line up across API and worker. */
  readonly requestId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Payloads cross a process and version boundary, so the worker checks them again. */
export function parseAnalysisJobData(data: unknown): AnalysisJobData {
  if (typeof data !== 'object' || data === null) {
    throw new BadInputError('INVALID_JOB_DATA', 'analysis job data is not an object');
  }
  const record = data as Record<string, unknown>;
  for (const field of ['analysisId', 'bundleId', 'teamId'] as const) {
    const value = record[field];
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new BadInputError(
        'INVALID_JOB_DATA',
        `analysis job data: ${field} is not a uuid`,
        undefined,
        {
          field,
        },
      );
    }
  }
  const requestId = typeof record.requestId === 'string' ? record.requestId : 'unknown';
  return {
    analysisId: record.analysisId as string,
    bundleId: record.bundleId as string,
    teamId: record.teamId as string,
    requestId,
  };
}
