import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FindingRepository,
  TeamRepository,
  UserRepository,
  createPrismaClient,
  type PrismaClient,
} from '@netmortem/db';
import { SAMPLE_FILES, tarGz } from '@test/support/bundle-builder.js';
import type { ApiClient } from '@test/support/api-client.js';
import { TestStack } from '@test/support/test-stack.js';

// The queries behind the dashboard's history and settings pages: search, facets, the
// timeline, each incident's top root cause and the member list, all scoped to the caller's team.
describe('dashboard insights over GraphQL', () => {
  let stack: TestStack;
  let prisma: PrismaClient;
  let alpha: ApiClient;
  let alphaMember: ApiClient;
  let bravo: ApiClient;
  let analysedIncident: string;

  beforeAll(async () => {
    stack = await TestStack.start({ queue: 'redis' });
    prisma = createPrismaClient({ databaseUrl: stack.database.url });
    alpha = stack.client(await stack.createToken('alpha'));
    alphaMember = stack.client(await stack.createToken('alpha', 'member'));
    bravo = stack.client(await stack.createToken('bravo'));
    analysedIncident = await alpha.createIncident('Connection resets behind the NAT', {
      cluster: 'prod',
    });
    await alpha.createIncident('DNS timeouts in staging', { cluster: 'staging' });
    await bravo.createIncident('Connection resets in bravo');
    const upload = await alpha.upload(analysedIncident, await tarGz(SAMPLE_FILES), 'a.tgz');
    const analysisId = String(upload.body.analysisId);
    await alpha.waitForAnalysis(analysisId);
    const team = await new TeamRepository(prisma).ensure('alpha');
    await new FindingRepository(prisma).replaceForAnalysis(team.id, analysisId, [
      finding('conntrack-table-full', 0.6, 2),
      finding('ct-invalid-not-natted-rst', 0.9, 1),
    ]);
    const users = new UserRepository(prisma);
    const base = { teamId: team.id, passwordHash: null };
    await users.create({ ...base, email: 'ada@alpha.test', displayName: 'Ada', role: 'ADMIN' });
    const gone = await users.create({
      ...base,
      email: 'bob@alpha.test',
      displayName: 'Bob',
      role: 'MEMBER',
    });
    await prisma.user.update({ where: { id: gone.id }, data: { disabledAt: new Date() } });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await stack?.stop();
  });

  it('should search by word prefix and show each incident’s top root cause', async () => {
    const data = await alpha.data<{
      incidents: { nodes: { title: string; topRootCause: { rootCauseId: string } | null }[] };
    }>(
      `query ($filter: IncidentFilterInput) {
         incidents(filter: $filter) { nodes { title topRootCause { rootCauseId title confidence } } }
       }`,
      { filter: { search: 'conn RESET' } },
    );
    expect(data.incidents.nodes).toEqual([
      {
        title: 'Connection resets behind the NAT',
        topRootCause: expect.objectContaining({
          rootCauseId: 'ct-invalid-not-natted-rst',
          confidence: 0.9,
        }) as unknown,
      },
    ]);
    const single = await alpha.data<{ incident: { topRootCause: { rootCauseId: string } } }>(
      'query ($id: ID!) { incident(id: $id) { topRootCause { rootCauseId } } }',
      { id: analysedIncident },
    );
    expect(single.incident.topRootCause.rootCauseId).toBe('ct-invalid-not-natted-rst');
  });

  it('should count facets and the timeline for the caller’s team only', async () => {
    const query = `query ($filter: IncidentFilterInput) {
      incidentFacets(filter: $filter) {
        total
        rootCauses { rootCauseId count }
        statuses { status count }
        severities { severity count }
      }
      incidentTimeline(filter: $filter, bucket: DAY) { start rootCauseId count }
    }`;
    type Answer = {
      incidentFacets: {
        total: number;
        rootCauses: { rootCauseId: string; count: number }[];
        statuses: { status: string; count: number }[];
      };
      incidentTimeline: { start: string; rootCauseId: string | null; count: number }[];
    };
    const mine = await alpha.data<Answer>(query, { filter: null });
    expect(mine.incidentFacets.total).toBe(2);
    expect(mine.incidentFacets.rootCauses).toEqual([
      { rootCauseId: 'conntrack-table-full', count: 1 },
      { rootCauseId: 'ct-invalid-not-natted-rst', count: 1 },
    ]);
    expect(mine.incidentFacets.statuses).toEqual([{ status: 'OPEN', count: 2 }]);
    const byRootCause = Object.fromEntries(
      mine.incidentTimeline.map((point) => [point.rootCauseId ?? 'none', point.count]),
    );
    expect(byRootCause).toEqual({ 'ct-invalid-not-natted-rst': 1, none: 1 });

    const filtered = await alpha.data<Answer>(query, { filter: { labels: { cluster: 'prod' } } });
    expect(filtered.incidentFacets.total).toBe(1);

    const theirs = await bravo.data<Answer>(query, {
      filter: { rootCause: 'conntrack-table-full' },
    });
    expect(theirs.incidentFacets).toMatchObject({ total: 0, rootCauses: [] });
    expect(theirs.incidentTimeline).toEqual([]);
    const bravoAll = await bravo.data<Answer>(query, {});
    expect(bravoAll.incidentFacets.total).toBe(1);
  });

  it('should refuse a bucket or filter it does not know', async () => {
    const result = await alpha.graphql('{ incidentTimeline(bucket: YEAR) { count } }');
    expect(result.errors?.length).toBeGreaterThan(0);
    const tooMany = await alpha.graphql(
      'query ($f: IncidentFilterInput) { incidentFacets(filter: $f) { total } }',
      { f: { search: 'x'.repeat(201) } },
    );
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('should list the team’s members, with disabled people and sign-ins for admins only', async () => {
    const query = '{ teamMembers { email name role lastLoginAt disabledAt } }';
    type Answer = { teamMembers: { email: string; disabledAt: string | null }[] };
    const admin = await alpha.data<Answer>(query);
    expect(admin.teamMembers.map((member) => member.email)).toEqual([
      'ada@alpha.test',
      'bob@alpha.test',
    ]);
    const member = await alphaMember.data<Answer>(query);
    expect(member.teamMembers.map((row) => row.email)).toEqual(['ada@alpha.test']);
    expect((await bravo.data<Answer>(query)).teamMembers).toEqual([]);
    const anonymous = await stack.client(null).graphql(query);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

function finding(rootCauseSlug: string, confidence: number, rank: number) {
  return {
    rootCauseSlug,
    fingerprint: `${rootCauseSlug}-fp`,
    rank,
    confidence,
    summary: rootCauseSlug,
    flow: null,
    evidence: [],
    evidenceAgainst: [],
    remediation: [],
  };
}
