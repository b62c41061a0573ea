import type { ActorKind, AuditEvent, Prisma, PrismaClient } from '../generated/prisma/client.js';

export interface AuditEntry {
  readonly teamId: string | null;
  readonly actorKind: ActorKind;
  readonly actorId: string | null;
  readonly action: string;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly data?: Record<string, unknown>;
  readonly requestId?: string;
}

export class AuditRepository {
  constructor(private readonly db: PrismaClient) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.auditEvent.create({
      data: {
        ...entry,
        data: (entry.data ?? {}) as Prisma.InputJsonValue,
      },
    });
  }

  listByTeam(teamId: string, limit: number): Promise<AuditEvent[]> {
    return this.db.auditEvent.findMany({
      where: { teamId },
      orderBy: { createdAt: 'desc' },
      take: limit,
    });
  }
}
