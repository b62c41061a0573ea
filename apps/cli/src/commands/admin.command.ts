import type { Command } from 'commander';

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
      // Loaded on demand: the database client is heavy, and most commands never need it.
      const { createToken } = await import('../admin/create-token.js');
      await createToken(options);
    });
}
