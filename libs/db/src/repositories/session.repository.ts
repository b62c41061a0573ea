import type { PrismaClient, Session, Team, User } from '../generated/prisma/client.js';

export type SessionWithUser = Session & { user: User & { team: Team } };

export class SessionRepository {
  constructor(private readonly db: PrismaClient) {}

  create(input: {
    userId: string;
    tokenHash: string;
    expiresAt: Date;
    userAgent?: string;
  }): Promise<Session> {
    return this.db.session.create({ data: input });
  }

  /** A session that is neither revoked nor expired, with the user and team it acts for. */
  findActive(tokenHash: string, now: Date): Promise<SessionWithUser | null> {
    return this.db.session.findFirst({
      where: {
        tokenHash,
        revokedAt: null,
        expiresAt: { gt: now },
        user: { disabledAt: null },
      },
      include: { user: { include: { team: true } } },
    });
  }

  touch(id: string, at: Date): Promise<Session> {
    return this.db.session.update({ where: { id }, data: { lastSeenAt: at } });
  }

  async revoke(tokenHash: string, at: Date): Promise<void> {
    await this.db.session.updateMany({
      where: { tokenHash, revokedAt: null },
      data: { revokedAt: at },
    });
  }
}
