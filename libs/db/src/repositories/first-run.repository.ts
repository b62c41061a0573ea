import type { ApiToken, PrismaClient, Team, User } from '../generated/prisma/client.js';

export interface FirstRunSetup {
  readonly teamName: string;
  readonly adminEmail: string;
  readonly adminPasswordHash: string;
  readonly tokenName: string;
  readonly tokenPrefix: string;
  readonly tokenHash: string;
}

export interface FirstRunResult {
  readonly team: Team;
  readonly admin: User;
  readonly token: ApiToken;
}

/** Arbitrary but fixed: serialises first-run setup across API replicas starting together. */
const FIRST_RUN_LOCK = 4_201_776_113;

export class FirstRunRepository {
  constructor(private readonly db: PrismaClient) {}

  /**
   * Creates the default team, its admin and an admin token, but only on an empty database.
   * Returns null when someone (another replica, an earlier start) already did.
   */
  claim(setup: FirstRunSetup): Promise<FirstRunResult | null> {
    return this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_RUN_LOCK})`;
      if ((await tx.team.count()) > 0) return null;
      const team = await tx.team.create({ data: { name: setup.teamName } });
      const admin = await tx.user.create({
        data: {
          teamId: team.id,
          email: setup.adminEmail.toLowerCase(),
          displayName: 'Administrator',
          passwordHash: setup.adminPasswordHash,
          role: 'ADMIN',
        },
      });
      const token = await tx.apiToken.create({
        data: {
          teamId: team.id,
          createdByUserId: admin.id,
          name: setup.tokenName,
          tokenPrefix: setup.tokenPrefix,
          tokenHash: setup.tokenHash,
          role: 'ADMIN',
        },
      });
      return { team, admin, token };
    });
  }
}
