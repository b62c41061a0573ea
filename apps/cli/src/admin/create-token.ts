import {
  API_TOKEN_PREFIX,
  ApiTokenRepository,
  AuditRepository,
  TeamRepository,
  createPrismaClient,
  hashSecret,
  newSecret,
  secretPrefix,
} from '@netmortem/db';
import { readCliEnv } from '../runtime/cli-env.js';
import { resolveDatabase } from '../runtime/database-resolver.js';

export interface CreateTokenOptions {
  team: string;
  name: string;
  role: string;
}

/** Creates an API token (and the team if needed) straight in the database; prints only the token. */
export async function createToken(options: CreateTokenOptions): Promise<void> {
  const role = options.role.toUpperCase();
  if (role !== 'ADMIN' && role !== 'MEMBER')
    throw new Error(`--role must be admin or member, not "${options.role}"`);
  const env = readCliEnv(process.env);
  const database = await resolveDatabase({
    databaseUrl: env.databaseUrl,
    dataDir: env.dataDir,
    log: (message) => process.stderr.write(`${message}\n`),
  });
  const prisma = createPrismaClient({ databaseUrl: database.url, maxConnections: 2 });
  try {
    const team = await new TeamRepository(prisma).ensure(options.team);
    const secret = newSecret(API_TOKEN_PREFIX);
    const token = await new ApiTokenRepository(prisma).create({
      teamId: team.id,
      createdByUserId: null,
      name: options.name,
      tokenPrefix: secretPrefix(secret),
      tokenHash: hashSecret(secret),
      role,
      expiresAt: null,
    });
    await new AuditRepository(prisma).record({
      teamId: team.id,
      actorKind: 'SYSTEM',
      actorId: 'cli',
      action: 'api-token.create',
      targetType: 'api-token',
      targetId: token.id,
      data: { name: token.name, role: token.role },
    });
    process.stdout.write(`${secret}\n`);
  } finally {
    await prisma.$disconnect();
    await database.release();
  }
}
