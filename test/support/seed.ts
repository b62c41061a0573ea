import {
  BundleRepository,
  IncidentRepository,
  TeamRepository,
  type DbAnalysis,
  type DbBundle,
  type PrismaClient,
} from '@netmortem/db';

/** A team with one incident and one registered bundle (and its queued analysis). */
export async function seedBundle(
  prisma: PrismaClient,
  name = 'alpha',
): Promise<{ teamId: string; incidentId: string; bundle: DbBundle; analysis: DbAnalysis }> {
  const team = await new TeamRepository(prisma).ensure(name);
  const incident = await new IncidentRepository(prisma).create({
    teamId: team.id,
    title: 'seeded',
    description: '',
    severity: 'MEDIUM',
    labels: {},
    occurredAt: null,
    createdBy: 'system:test',
  });
  const registration = await new BundleRepository(prisma).register(
    {
      teamId: team.id,
      incidentId: incident.id,
      sha256: 'a'.repeat(64),
      sizeBytes: 10n,
      originalName: 'seed.tgz',
      storageKey: `sha256/${'a'.repeat(64)}`,
      uploadedBy: 'system:test',
    },
    'req-seed',
  );
  if (registration.duplicate || !registration.analysis)
    throw new Error('seed bundle already existed');
  return {
    teamId: team.id,
    incidentId: incident.id,
    bundle: registration.bundle,
    analysis: registration.analysis,
  };
}
