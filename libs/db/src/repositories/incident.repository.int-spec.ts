import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBundle } from '@test/support/seed.js';
import { createTestDatabase, type TestDatabase } from '@test/support/test-database.js';
import { createPrismaClient } from '../client/prisma-client.factory.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { FindingRepository } from './finding.repository.js';
import { IncidentRepository, type NewIncident } from './incident.repository.js';

describe(IncidentRepository.name, () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let sut: IncidentRepository;
  let teamId: string;
  let seededIncidentId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: database.url });
    sut = new IncidentRepository(prisma);
    const seeded = await seedBundle(prisma, 'alpha');
    teamId = seeded.teamId;
    seededIncidentId = seeded.incidentId;
    await new FindingRepository(prisma).replaceForAnalysis(teamId, seeded.analysis.id, [
      {
        rootCauseSlug: 'conntrack-table-full',
        fingerprint: 'f1',
        rank: 1,
        confidence: 0.9,
        summary: 'table full',
        flow: null,
        evidence: [],
        evidenceAgainst: [],
        remediation: [],
      },
    ]);
    const base: Omit<NewIncident, 'title'> = {
      teamId,
      description: '',
      severity: 'HIGH',
      labels: {},
      occurredAt: null,
      createdBy: 'system:test',
    };
    await sut.create({
      ...base,
      title: 'DNS delays in prod',
      labels: { cluster: 'prod', service: 'dns' },
      occurredAt: new Date('2026-11-01T00:00:00Z'),
    });
    await sut.create({
      ...base,
      title: 'port-forward drops',
      description: 'Lost connection to pod',
      labels: { cluster: 'staging' },
      occurredAt: new Date('2026-11-10T00:00:00Z'),
    });
    const resolved = await sut.create({
      ...base,
      title: 'old one',
      occurredAt: new Date('2026-10-01T00:00:00Z'),
    });
    await sut.update(teamId, resolved.id, { status: 'RESOLVED' }, new Date());
    const other = await seedBundle(prisma, 'bravo');
    await sut.update(other.teamId, other.incidentId, { title: 'bravo only' }, new Date());
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await database.drop();
  });

  async function titles(filter: Parameters<IncidentRepository['list']>[1]): Promise<string[]> {
    return (await sut.list(teamId, filter, { first: 50 })).items.map((incident) => incident.title);
  }

  it('should list only the team’s incidents, newest first', async () => {
    expect(await titles({})).toEqual([
      'old one',
      'port-forward drops',
      'DNS delays in prod',
      'seeded',
    ]);
  });

  it('should filter by status, root cause, labels, time range and text', async () => {
    expect(await titles({ statuses: ['RESOLVED'] })).toEqual(['old one']);
    expect(await titles({ rootCause: 'conntrack-table-full' })).toEqual(['seeded']);
    expect(await titles({ rootCause: 'snat-port-collision' })).toEqual([]);
    expect(await titles({ labels: { cluster: 'prod' } })).toEqual(['DNS delays in prod']);
    expect(await titles({ labels: { cluster: 'prod', service: 'web' } })).toEqual([]);
    expect(await titles({ occurredFrom: new Date('2026-11-05T00:00:00Z') })).toEqual([
      'port-forward drops',
    ]);
    expect(
      await titles({
        occurredFrom: new Date('2026-10-15T00:00:00Z'),
        occurredTo: new Date('2026-11-05T00:00:00Z'),
      }),
    ).toEqual(['DNS delays in prod']);
    expect(await titles({ text: 'LOST CONNECTION' })).toEqual(['port-forward drops']);
  });

  it('should search words by prefix and filter by severity', async () => {
    expect(await titles({ search: 'forw DROP' })).toEqual(['port-forward drops']);
    expect(await titles({ search: 'conn' })).toEqual(['port-forward drops']);
    expect(await titles({ search: 'nothing-like-this' })).toEqual([]);
    expect(await titles({ search: "':* & !" })).toHaveLength(4);
    expect(await titles({ text: '100%' })).toEqual([]);
    expect(await titles({ severities: ['MEDIUM'] })).toEqual(['seeded']);
  });

  it('should name each incident’s strongest root cause', async () => {
    const top = await sut.topRootCauses(teamId, [seededIncidentId]);
    expect(top).toEqual([
      {
        incidentId: seededIncidentId,
        slug: 'conntrack-table-full',
        title: null,
        confidence: 0.9,
      },
    ]);
    expect(await sut.topRootCauses(teamId, [])).toEqual([]);
  });

  it('should count facets, each leaving its own filter out, within the team only', async () => {
    const facets = await sut.facets(teamId, {
      statuses: ['OPEN'],
      rootCause: 'conntrack-table-full',
    });
    expect(facets.total).toBe(1);
    expect(facets.rootCauses).toEqual([{ slug: 'conntrack-table-full', title: null, count: 1 }]);
    expect(facets.statuses).toEqual([{ status: 'OPEN', count: 1 }]);
    expect(facets.severities).toEqual([{ severity: 'MEDIUM', count: 1 }]);
    const all = await sut.facets(teamId, {});
    expect(all.total).toBe(4);
    expect(Object.fromEntries(all.statuses.map((row) => [row.status, row.count]))).toEqual({
      OPEN: 3,
      RESOLVED: 1,
    });
  });

  it('should count incidents per day by top root cause', async () => {
    const points = await sut.timeline(teamId, { occurredTo: new Date('2026-12-01') }, 'day');
    expect(points).toEqual([
      { start: new Date('2026-10-01T00:00:00Z'), slug: null, count: 1 },
      { start: new Date('2026-11-01T00:00:00Z'), slug: null, count: 1 },
      { start: new Date('2026-11-10T00:00:00Z'), slug: null, count: 1 },
    ]);
    const weeks = await sut.timeline(teamId, { rootCause: 'conntrack-table-full' }, 'week');
    expect(weeks).toHaveLength(1);
    expect(weeks[0]).toMatchObject({ slug: 'conntrack-table-full', count: 1 });
    expect(weeks[0]?.start.getUTCDay()).toBe(1);
  });

  it('should page through everything exactly once, also across equal timestamps', async () => {
    const at = new Date('2026-11-20T12:00:00Z');
    for (let i = 0; i < 7; i += 1) {
      await prisma.incident.create({ data: { teamId, title: `same-time ${i}`, createdAt: at } });
    }
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await sut.list(teamId, {}, { first: 3, ...(after ? { after } : {}) });
      seen.push(...page.items.map((item) => item.id));
      if (!page.hasNextPage) break;
      after = page.endCursor ?? undefined;
    }
    expect(seen).toHaveLength(11);
    expect(new Set(seen).size).toBe(11);
    expect(seen).toContain(seededIncidentId);
  });

  it('should stamp mitigation and resolution times once', async () => {
    const incident = await sut.create({
      teamId,
      title: 'stamps',
      description: '',
      severity: 'LOW',
      labels: {},
      occurredAt: null,
      createdBy: 'x',
    });
    const t1 = new Date('2026-11-21T01:00:00Z');
    const t2 = new Date('2026-11-21T02:00:00Z');
    const mitigated = await sut.update(teamId, incident.id, { status: 'MITIGATED' }, t1);
    expect(mitigated?.mitigatedAt).toEqual(t1);
    const resolved = await sut.update(teamId, incident.id, { status: 'RESOLVED' }, t2);
    expect(resolved).toMatchObject({ mitigatedAt: t1, resolvedAt: t2 });
    expect(
      await sut.update('00000000-0000-0000-0000-000000000000', incident.id, { status: 'OPEN' }, t2),
    ).toBeNull();
  });
});
