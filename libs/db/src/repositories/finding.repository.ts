import type { Finding, Prisma, PrismaClient } from '../generated/prisma/client.js';

export interface NewFinding {
  readonly rootCauseSlug: string;
  readonly fingerprint: string;
  readonly rank: number;
  readonly confidence: number;
  readonly summary: string;
  readonly flow: Prisma.InputJsonValue | null;
  readonly evidence: Prisma.InputJsonValue;
  readonly evidenceAgainst: Prisma.InputJsonValue;
  readonly remediation: Prisma.InputJsonValue;
}

export class FindingRepository {
  constructor(private readonly db: PrismaClient) {}

  /** The analysis's findings become exactly `findings`; idempotent for retried jobs. */
  async replaceForAnalysis(
    teamId: string,
    analysisId: string,
    findings: readonly NewFinding[],
  ): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await tx.finding.deleteMany({ where: { analysisId } });
      if (findings.length === 0) return;
      await tx.finding.createMany({
        data: findings.map((finding) => ({
          ...finding,
          flow: finding.flow ?? undefined,
          teamId,
          analysisId,
        })),
      });
    });
  }

  listByAnalysis(teamId: string, analysisId: string): Promise<Finding[]> {
    return this.db.finding.findMany({
      where: { teamId, analysisId },
      orderBy: [{ rank: 'asc' }],
    });
  }

  findInTeam(teamId: string, id: string): Promise<Finding | null> {
    return this.db.finding.findFirst({ where: { id, teamId } });
  }
}
