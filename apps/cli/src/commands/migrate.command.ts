import type { Command } from 'commander';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description(
      'apply pending database migrations to DATABASE_URL (deployments run this before the API)',
    )
    .action(async () => {
      const databaseUrl = process.env.DATABASE_URL;
      if (!databaseUrl) throw new Error('DATABASE_URL is required');
      const { migrateDatabase, redactDatabaseUrl } = await import('@netmortem/db');
      const applied = await migrateDatabase(databaseUrl);
      process.stderr.write(
        `netmortem: ${redactDatabaseUrl(databaseUrl)}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}\n`,
      );
    });
}
