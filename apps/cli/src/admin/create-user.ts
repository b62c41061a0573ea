import {
  AuditRepository,
  TeamRepository,
  UserRepository,
  createPrismaClient,
  hashPassword,
} from '@netmortem/db';
import { readCliEnv } from '../runtime/cli-env.js';
import { resolveDatabase } from '../runtime/database-resolver.js';

export interface CreateUserOptions {
  team: string;
  email: string;
  password: string;
  role: string;
  name?: string;
}

export class CreateUserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CreateUserError';
  }
}

/** The checks that need no database: a bad flag fails before anything is touched. */
export function validateCreateUser(options: CreateUserOptions): 'ADMIN' | 'MEMBER' {
  const role = options.role.toUpperCase();
  if (role !== 'ADMIN' && role !== 'MEMBER')
    throw new CreateUserError(`--role must be admin or member, not "${options.role}"`);
  if (!/^[^\s@]+@[^\s@]+$/.test(options.email))
    throw new CreateUserError(`--email must be an address, not "${options.email}"`);
  if (options.password.length < 8)
    throw new CreateUserError('--password must have at least 8 characters');
  return role;
}

/** Creates a password user (and the team if needed) straight in the database; prints its id. */
export async function createUser(options: CreateUserOptions): Promise<void> {
  const role = validateCreateUser(options);
  const env = readCliEnv(process.env);
  const database = await resolveDatabase({
    databaseUrl: env.databaseUrl,
    dataDir: env.dataDir,
    log: (message) => process.stderr.write(`${message}\n`),
  });
  const prisma = createPrismaClient({ databaseUrl: database.url, maxConnections: 2 });
  try {
    const users = new UserRepository(prisma);
    // Emails are unique across teams (sign-in has no team field), so say so before inserting.
    if (await users.findByEmail(options.email))
      throw new CreateUserError(`a user with email ${options.email} already exists`);
    const team = await new TeamRepository(prisma).ensure(options.team);
    const user = await users.create({
      teamId: team.id,
      email: options.email,
      displayName: options.name ?? options.email.split('@')[0]!,
      passwordHash: await hashPassword(options.password),
      role,
    });
    await new AuditRepository(prisma).record({
      teamId: team.id,
      actorKind: 'SYSTEM',
      actorId: 'cli',
      action: 'user.create',
      targetType: 'user',
      targetId: user.id,
      data: { email: user.email, role: user.role },
    });
    process.stdout.write(`${user.id}\n`);
  } finally {
    await prisma.$disconnect();
    await database.release();
  }
}
