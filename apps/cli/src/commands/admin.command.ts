import type { Command } from 'commander';
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

export function registerAdminCommands(program: Command): void {
  const admin = program
    .command('admin')
    .description('administer a netmortem installation directly in its database');

  admin
    .command('create-token')
    .description('create an API token (and the team, if it does not exist); prints only the token')
    .option('--team <name>', 'team the token acts for', 'default')
    .option('--name <name>', 'what the token is for', 'created with netmortem admin create-token')
    .option('--role <role>', 'admin or member', 'admin')
    .action(async (options: { team: string; name: string; role: string }) => {
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
    });
}
