import { copyFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@test/support/service-process.js';
import { TestStack } from '@test/support/test-stack.js';

const COMMITTED = path.join(REPO_ROOT, 'apps/api/schema.graphql');

// The committed SDL is the contract tools and the dashboard's codegen rely on: the running
// API must emit exactly it. `npm run schema:update` rewrites it after a deliberate change.
describe('committed GraphQL schema', () => {
  let stack: TestStack;
  let emitted: string;

  beforeAll(async () => {
    emitted = path.join(tmpdir(), `netmortem-schema-${process.pid}.graphql`);
    stack = await TestStack.start({
      queue: 'redis',
      workers: 0,
      apiEnv: { GRAPHQL_SCHEMA_FILE: emitted },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('should match what the API emits', async () => {
    if (process.env.UPDATE_GRAPHQL_SCHEMA === '1') await copyFile(emitted, COMMITTED);
    const committed = await readFile(COMMITTED, 'utf8').catch(() => '');
    expect(
      await readFile(emitted, 'utf8'),
      'run `npm run schema:update` and commit apps/api/schema.graphql',
    ).toBe(committed);
  });

  it('should keep the field names scripts rely on', async () => {
    const sdl = await readFile(emitted, 'utf8');
    expect(sdl).toMatch(/createIncident\(input: CreateIncidentInput!\): Incident!/);
    expect(sdl).toMatch(/analysis\(id: ID!\): Analysis/);
    expect(sdl).toMatch(/analysisProgress\(analysisId: ID!\): AnalysisProgress!/);
    expect(sdl).toMatch(/enum AnalysisStatus \{\s+FAILED\s+QUEUED\s+RUNNING\s+SUCCEEDED\s+\}/);
  });
});
