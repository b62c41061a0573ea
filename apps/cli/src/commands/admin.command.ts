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

  admin
    .command('create-user')
    .description(
      'create a user who signs in with a password (and the team, if it does not exist); prints the user id',
    )
    .requiredOption('--team <name>', 'team the user belongs to')
    .requiredOption('--email <email>', 'sign-in address')
    .requiredOption('--password <password>', 'sign-in password (at least 8 characters)')
    .option('--role <role>', 'admin or member', 'member')
    .option('--name <name>', 'display name (default: the part of the email before @)')
    .action(
      async (options: {
        team: string;
        email: string;
        password: string;
        role: string;
        name?: string;
      }) => {
        const { createUser } = await import('../admin/create-user.js');
        await createUser(options);
      },
    );
}
