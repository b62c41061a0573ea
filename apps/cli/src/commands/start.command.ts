import type { Command } from 'commander';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the API, the dashboard and the workers on this machine')
    .option('--workers <n>', 'worker processes', process.env.NETMORTEM_WORKERS ?? '1')
    .option('--no-examples', 'do not load the example bundles on first start')
    .action(async (options: { workers: string; examples: boolean }) => {
      // Loaded on demand: the database client is heavy, and most commands never need it.
      const { runStart } = await import('../runtime/run-start.js');
      await runStart(options);
    });
}
