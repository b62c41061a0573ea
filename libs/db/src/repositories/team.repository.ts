import type { PrismaClient, Team } from '../generated/prisma/client.js';

export class TeamRepository {
  constructor(private readonly db: PrismaClient) {}

  findById(id: string): Promise<Team | null> {
    return this.db.team.findUnique({ where: { id } });
  }

  findByName(name: string): Promise<Team | null> {
    return this.db.team.findUnique({ where: { name } });
  }

  /** Finds the team or creates it; safe when two processes race on the same name. */
  ensure(name: string): Promise<Team> {
    return this.db.team.upsert({ where: { name }, update: {}, create: { name } });
  }

  count(): Promise<number> {
    return this.db.team.count();
  }
}
