import { Command } from 'commander';
import { registerAdminCommands } from './commands/admin.command.js';
import { registerAnalyzeCommand } from './commands/analyze.command.js';
import { registerCollectCommand } from './commands/collect.command.js';
import { registerInspectCommand } from './commands/inspect.command.js';
import { registerLabCommand } from './commands/lab.command.js';
import { registerMigrateCommand } from './commands/migrate.command.js';
import { registerRedactCommand } from './commands/redact.command.js';
import { registerSimulateCommand } from './commands/simulate.command.js';
import { registerStartCommand } from './commands/start.command.js';
import { registerUploadCommand } from './commands/upload.command.js';

// `netmortem inspect … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command()
  .name('netmortem')
  .description('post-mortems for connections that reset, hang or leak')
  .showHelpAfterError();

registerStartCommand(program);
registerUploadCommand(program);
registerAnalyzeCommand(program);
registerInspectCommand(program);
registerSimulateCommand(program);
registerLabCommand(program);
registerRedactCommand(program);
registerCollectCommand(program);
registerAdminCommands(program);
registerMigrateCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`netmortem: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
