import type { Analysis, Bundle, PrismaClient } from '../generated/prisma/client.js';
import { isUniqueViolation } from './unique-violation.js';

export interface StoredBundle {
  readonly teamId: string;
  readonly incidentId: string;
  readonly sha256: string;
  readonly sizeBytes: bigint;
  readonly originalName: string;
  readonly storageKey: string;
  readonly uploadedBy: string;
}

export type BundleRegistration =
  | { readonly duplicate: false; readonly bundle: Bundle; readonly analysis: Analysis }
  | { readonly duplicate: true; readonly bundle: Bundle; readonly analysis: Analysis | null };

export class BundleRepository {
  constructor(private readonly db: PrismaClient) {}

  /**
   * Records an uploaded bundle and queues its first analysis in one transaction. The same
   * bytes uploaded to the same incident again are recognised (unique incident + sha256) and
   * answered with the existing bundle and its latest analysis instead of a second copy.
   */
  async register(bundle: StoredBundle, requestId: string): Promise<BundleRegistration> {
    try {
      return await this.db.$transaction(async (tx) => {
        const created = await tx.bundle.create({ data: bundle });
        const analysis = await tx.analysis.create({
          data: { teamId: bundle.teamId, bundleId: created.id, requestId },
        });
        return { duplicate: false as const, bundle: created, analysis };
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.db.bundle.findUniqueOrThrow({
        where: { incidentId_sha256: { incidentId: bundle.incidentId, sha256: bundle.sha256 } },
        include: { analyses: { orderBy: { queuedAt: 'desc' }, take: 1 } },
      });
      const { analyses, ...row } = existing;
      return { duplicate: true, bundle: row, analysis: analyses[0] ?? null };
    }
  }

  findInTeam(teamId: string, id: string): Promise<Bundle | null> {
    return this.db.bundle.findFirst({ where: { id, teamId } });
  }

  listByIncident(teamId: string, incidentId: string): Promise<Bundle[]> {
    return this.db.bundle.findMany({
      where: { teamId, incidentId },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Other incidents of the team that received exactly these bytes. */
  findSameContent(teamId: string, sha256: string, exceptBundleId: string): Promise<Bundle[]> {
    return this.db.bundle.findMany({
      where: { teamId, sha256, id: { not: exceptBundleId } },
      orderBy: { createdAt: 'asc' },
    });
  }
}
