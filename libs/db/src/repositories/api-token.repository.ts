import type { ApiToken, PrismaClient, Team, TeamRole } from '../generated/prisma/client.js';

export type ApiTokenWithTeam = ApiToken & { team: Team };

export interface NewApiToken {
  readonly teamId: string;
  readonly createdByUserId: string | null;
  readonly name: string;
  readonly tokenPrefix: string;
  readonly tokenHash: string;
  readonly role: TeamRole;
  readonly expiresAt: Date | null;
}

export class ApiTokenRepository {
  constructor(private readonly db: PrismaClient) {}

  create(token: NewApiToken): Promise<ApiToken> {
    return this.db.apiToken.create({ data: token });
  }

  /** A token that is neither revoked nor expired, with its team. */
  findActive(tokenHash: string, now: Date): Promise<ApiTokenWithTeam | null> {
    return this.db.apiToken.findFirst({
      where: {
        tokenHash,
        revokedAt: null,
        OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
      },
      include: { team: true },
    });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.apiToken.update({ where: { id }, data: { lastUsedAt: at } });
  }

  listByTeam(teamId: string): Promise<ApiToken[]> {
    return this.db.apiToken.findMany({ where: { teamId }, orderBy: { createdAt: 'desc' } });
  }

  findInTeam(teamId: string, id: string): Promise<ApiToken | null> {
    return this.db.apiToken.findFirst({ where: { id, teamId } });
  }

  revoke(teamId: string, id: string, at: Date): Promise<ApiToken | null> {
    return this.db.$transaction(async (tx) => {
      const token = await tx.apiToken.findFirst({ where: { id, teamId } });
      if (!token) return null;
      if (token.revokedAt) return token;
      return tx.apiToken.update({ where: { id }, data: { revokedAt: at } });
    });
  }
}
