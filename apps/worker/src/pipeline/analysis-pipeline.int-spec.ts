import { AnalysisRepository, createPrismaClient, type PrismaClient } from '@netmortem/db';
import { BadInputError, type AnalysisStage } from '@netmortem/domain';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedBundle } from '@test/support/seed.js';
import { createTestDatabase, type TestDatabase } from '@test/support/test-database.js';
import type { WorkerEnv } from '../config/worker-config.js';
import { AnalysisPipeline } from './analysis-pipeline.service.js';
import type { StageHandler, StageOutcome } from './stage-handler.js';

/** A stage whose behaviour each test scripts: succeed, or throw what it is given. */
class ScriptedStage implements StageHandler {
  next: (() => Promise<StageOutcome>) | undefined;
  constructor(readonly stage: AnalysisStage) {}
  run(): Promise<StageOutcome> {
    return this.next ? this.next() : Promise.resolve({ state: 'done' });
  }
}

describe(AnalysisPipeline.name, () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let analyses: AnalysisRepository;
  const stages = Object.fromEntries(
    (['unpack', 'detect', 'parse', 'simulate', 'match', 'persist'] as const).map((stage) => [
      stage,
      new ScriptedStage(stage),
    ]),
  ) as Record<AnalysisStage, ScriptedStage>;
  let sut: AnalysisPipeline;

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: database.url });
    analyses = new AnalysisRepository(prisma);
    const config = { WORKER_STAGE_DELAY_MS: 0 } as WorkerEnv;
    sut = new AnalysisPipeline(analyses, stages, config, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await database.drop();
  });
  beforeEach(() => {
    for (const stage of Object.values(stages)) stage.next = undefined;
  });

  async function newJob() {
    const seeded = await seedBundle(prisma, `team-${Math.random().toString(36).slice(2)}`);
    return {
      analysisId: seeded.analysis.id,
      bundleId: seeded.bundle.id,
      teamId: seeded.teamId,
      requestId: 'req-1',
    };
  }

  it('should leave the analysis running after a transient failure that will be retried', async () => {
    const job = await newJob();
    stages.detect.next = () => Promise.reject(new Error('connection reset'));
    await expect(sut.runStage('detect', job, { number: 1, max: 3 })).rejects.toThrow(
      'connection reset',
    );
    expect(await analyses.findById(job.analysisId)).toMatchObject({
      status: 'RUNNING',
      stage: 'detect',
    });
  });

  it('should fail the analysis on the last attempt, naming the stage and the attempts', async () => {
    const job = await newJob();
    stages.detect.next = () => Promise.reject(new Error('connection reset'));
    await expect(sut.runStage('detect', job, { number: 3, max: 3 })).rejects.toThrow();
    const row = await analyses.findById(job.analysisId);
    expect(row).toMatchObject({
      status: 'FAILED',
      errorCode: 'STAGE_FAILED',
      error: 'detect failed after 3 attempt(s): connection reset',
    });
    expect((row?.stages as Record<string, { state: string }>).detect?.state).toBe('failed');
  });

  it('should fail at once on bad input, with the input error as the message', async () => {
    const job = await newJob();
    stages.unpack.next = () =>
      Promise.reject(new BadInputError('BUNDLE_PATH_TRAVERSAL', 'entry "../x" escapes the bundle'));
    await expect(sut.runStage('unpack', job, { number: 1, max: 4 })).rejects.toBeInstanceOf(
      BadInputError,
    );
    expect(await analyses.findById(job.analysisId)).toMatchObject({
      status: 'FAILED',
      errorCode: 'BUNDLE_PATH_TRAVERSAL',
      error: 'entry "../x" escapes the bundle',
    });
  });

  it('should succeed after persist, record unavailable stages, and skip stages of a finished analysis', async () => {
    const job = await newJob();
    stages.match.next = () =>
      Promise.resolve({ state: 'unavailable', note: 'stage not available yet: no matcher' });
    for (const stage of ['unpack', 'detect', 'parse', 'simulate', 'match', 'persist'] as const) {
      expect(await sut.runStage(stage, job, { number: 1, max: 1 })).toBe('ran');
    }
    const row = await analyses.findById(job.analysisId);
    expect(row).toMatchObject({ status: 'SUCCEEDED', progress: 100 });
    expect((row?.stages as Record<string, { state: string; note?: string }>).match).toMatchObject({
      state: 'unavailable',
      note: 'stage not available yet: no matcher',
    });
    expect(await sut.runStage('detect', job, { number: 1, max: 1 })).toBe('skipped');
  });

  it('should refuse a job whose ids do not belong together', async () => {
    const job = await newJob();
    await expect(
      sut.runStage(
        'unpack',
        { ...job, teamId: '00000000-0000-0000-0000-000000000000' },
        { number: 1, max: 1 },
      ),
    ).rejects.toThrow(/does not exist/);
  });
});
