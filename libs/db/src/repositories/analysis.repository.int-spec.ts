import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBundle } from '@test/support/seed.js';
import { createTestDatabase, type TestDatabase } from '@test/support/test-database.js';
import { createPrismaClient } from '../client/prisma-client.factory.js';
import { AnalysisEventsListener, type AnalysisProgressEvent } from '../events/analysis-events.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { AnalysisRepository } from './analysis.repository.js';
import { ArtifactRepository, type UnpackedArtifact } from './artifact.repository.js';

async function until<T>(read: () => T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(AnalysisRepository.name, () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let listener: AnalysisEventsListener;
  const events: AnalysisProgressEvent[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: database.url });
    listener = new AnalysisEventsListener(database.url);
    listener.on('progress', (event) => events.push(event));
    await listener.start();
  });
  afterAll(async () => {
    await listener.stop();
    await prisma.$disconnect();
    await database.drop();
  });

  it('should record stages, announce every change, and refuse to reopen a finished analysis', async () => {
    const { analysis, teamId } = await seedBundle(prisma);
    const sut = new AnalysisRepository(prisma);
    const t0 = new Date('2026-11-21T10:00:00Z');

    expect(await sut.startStage(analysis.id, 'unpack', t0)).toBe(true);
    await sut.finishStage(analysis.id, 'unpack', { state: 'done', note: '3 artifact(s)' }, 30, t0);
    await sut.finishStage(analysis.id, 'unpack', { state: 'done' }, 10, t0); // progress never goes back
    await sut.succeed(analysis.id, 'abcdef123456', t0);
    expect(await sut.startStage(analysis.id, 'detect', t0)).toBe(false);
    await sut.fail(analysis.id, { code: 'LATE', message: 'too late' }, t0);

    const row = await sut.findById(analysis.id);
    expect(row).toMatchObject({
      status: 'SUCCEEDED',
      progress: 100,
      attempts: 1,
      error: null,
      catalogueVersion: 'abcdef123456',
    });
    expect(row?.stages).toEqual({ unpack: { state: 'done' } });

    const mine = await until(() => {
      const list = events.filter((event) => event.analysisId === analysis.id);
      return list.length >= 4 ? list : undefined;
    });
    expect(mine.map((event) => [event.status, event.progress])).toEqual([
      ['RUNNING', 0],
      ['RUNNING', 30],
      ['RUNNING', 30],
      ['SUCCEEDED', 100],
    ]);
    expect(mine.every((event) => event.teamId === teamId)).toBe(true);
  });
});

describe(ArtifactRepository.name, () => {
  let database: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await database.drop();
  });

  const artifact = (path: string): UnpackedArtifact => ({
    path,
    kind: 'unknown',
    sizeBytes: 1n,
    sha256: 'b'.repeat(64),
    storageKey: `sha256/${'b'.repeat(64)}`,
    status: 'PENDING',
    error: null,
    errorLocator: null,
  });

  it('should make the rows exactly the given set, however often it runs', async () => {
    const { bundle, teamId } = await seedBundle(prisma, 'bravo');
    const sut = new ArtifactRepository(prisma);
    await sut.replaceForBundle(teamId, bundle.id, [artifact('a'), artifact('b'), artifact('c')]);
    await sut.replaceForBundle(teamId, bundle.id, [artifact('a'), artifact('b'), artifact('c')]);
    expect((await sut.listByBundle(bundle.id)).map((row) => row.path)).toEqual(['a', 'b', 'c']);
    await sut.replaceForBundle(teamId, bundle.id, [artifact('c')]);
    expect((await sut.listByBundle(bundle.id)).map((row) => row.path)).toEqual(['c']);
    expect(await sut.listByBundleInTeam('00000000-0000-0000-0000-000000000000', bundle.id)).toEqual(
      [],
    );
  });
});
