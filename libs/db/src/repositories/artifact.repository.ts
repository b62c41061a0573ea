import type { Artifact, ArtifactStatus, PrismaClient } from '../generated/prisma/client.js';

export interface UnpackedArtifact {
  readonly path: string;
  readonly kind: string;
  readonly sizeBytes: bigint;
  readonly sha256: string;
  readonly storageKey: string;
  readonly status: ArtifactStatus;
  readonly error: string | null;
  readonly errorLocator: string | null;
}

export class ArtifactRepository {
  constructor(private readonly db: PrismaClient) {}

  /**
   * Makes the bundle's artifact rows exactly `artifacts`. Running it twice (a retried or
   * recovered job) leaves the same rows, never duplicates.
   */
  async replaceForBundle(
    teamId: string,
    bundleId: string,
    artifacts: readonly UnpackedArtifact[],
  ): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await tx.artifact.deleteMany({
        where: { bundleId, path: { notIn: artifacts.map((a) => a.path) } },
      });
      for (const artifact of artifacts) {
        await tx.artifact.upsert({
          where: { bundleId_path: { bundleId, path: artifact.path } },
          create: { ...artifact, teamId, bundleId },
          update: artifact,
        });
      }
    });
  }

  listByBundle(bundleId: string): Promise<Artifact[]> {
    return this.db.artifact.findMany({ where: { bundleId }, orderBy: { path: 'asc' } });
  }

  listByBundleInTeam(teamId: string, bundleId: string): Promise<Artifact[]> {
    return this.db.artifact.findMany({ where: { teamId, bundleId }, orderBy: { path: 'asc' } });
  }

  async recordParse(
    id: string,
    result: { status: ArtifactStatus; error: string | null; errorLocator: string | null },
  ): Promise<void> {
    await this.db.artifact.update({ where: { id }, data: result });
  }

  async updateDetection(id: string, kind: string, status: ArtifactStatus): Promise<void> {
    await this.db.artifact.update({ where: { id }, data: { kind, status } });
  }
}
