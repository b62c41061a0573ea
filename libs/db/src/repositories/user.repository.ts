import type { PrismaClient, TeamRole, User } from '../generated/prisma/client.js';

export interface NewUser {
  readonly teamId: string;
  readonly email: string;
  readonly displayName: string;
  readonly passwordHash: string | null;
  readonly role: TeamRole;
}

export class UserRepository {
  constructor(private readonly db: PrismaClient) {}

  create(user: NewUser): Promise<User> {
    return this.db.user.create({ data: { ...user, email: user.email.toLowerCase() } });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.db.user.findUnique({ where: { email: email.toLowerCase() } });
  }

  findInTeam(teamId: string, id: string): Promise<User | null> {
    return this.db.user.findFirst({ where: { id, teamId } });
  }

  listByTeam(teamId: string): Promise<User[]> {
    return this.db.user.findMany({ where: { teamId }, orderBy: { createdAt: 'asc' } });
  }

  recordLogin(id: string, at: Date): Promise<User> {
    return this.db.user.update({ where: { id }, data: { lastLoginAt: at } });
  }

  count(): Promise<number> {
    return this.db.user.count();
  }
}
