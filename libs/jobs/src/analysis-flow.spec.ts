import { ANALYSIS_STAGES } from '@netmortem/domain';
import type { FlowJob } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { buildAnalysisFlow, stageJobId } from './analysis-flow.js';
import { parseAnalysisJobData } from './analysis-job.js';
import { postgresSchemaFor } from './queue-backend.js';

const data = {
  analysisId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  bundleId: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b',
  teamId: 'a8098c1a-f86e-11da-bd1a-00112444be1e',
  requestId: 'req-1',
};

function chain(flow: FlowJob): FlowJob[] {
  const jobs: FlowJob[] = [];
  for (let job: FlowJob | undefined = flow; job; job = job.children?.[0]) jobs.push(job);
  return jobs;
}

describe(buildAnalysisFlow.name, () => {
  it('should nest the stages so the first stage is the deepest child', () => {
    const jobs = chain(buildAnalysisFlow(data));
    expect(jobs.map((job) => job.name)).toEqual([...ANALYSIS_STAGES].reverse());
    expect(jobs.every((job) => (job.children?.length ?? 0) <= 1)).toBe(true);
  });

  it('should give every stage an idempotent id, retries with backoff and fail the parent on failure', () => {
    for (const job of chain(buildAnalysisFlow(data, { attempts: 3, backoffMs: 250 }))) {
      expect(job.opts?.jobId).toBe(stageJobId(data.analysisId, job.name as never));
      expect(job.opts?.jobId).not.toContain(':');
      expect(job.opts).toMatchObject({
        attempts: 3,
        backoff: { type: 'exponential', delay: 250 },
        failParentOnFailure: true,
      });
      expect(job.data).toEqual(data);
    }
  });
});

describe(parseAnalysisJobData.name, () => {
  it('should accept a well-formed payload', () => {
    expect(parseAnalysisJobData({ ...data, extra: 1 })).toEqual(data);
  });

  it('should name the field that is wrong', () => {
    expect(() => parseAnalysisJobData({ ...data, bundleId: 'x' })).toThrow(
      /bundleId is not a uuid/,
    );
    expect(() => parseAnalysisJobData(null)).toThrow(/not an object/);
  });

  it('should tolerate a missing request id from older producers', () => {
    const { requestId: _omitted, ...rest } = data;
    expect(parseAnalysisJobData(rest).requestId).toBe('unknown');
  });
});

describe(postgresSchemaFor.name, () => {
  it('should derive a valid PostgreSQL identifier from any prefix', () => {
    expect(postgresSchemaFor('netmortem')).toBe('bullmq_netmortem');
    expect(postgresSchemaFor('nmtest-Ab1')).toBe('bullmq_nmtest_ab1');
    expect(postgresSchemaFor('x'.repeat(100))).toHaveLength(63);
  });
});
