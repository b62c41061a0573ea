import type { Command } from 'commander';
import { reportMarkdown, reportText } from '@netmortem/matcher';
import { analyzeBundle } from '../analyze/analyze-bundle.js';

const FORMATS = ['text', 'json', 'markdown'] as const;

export function registerAnalyzeCommand(program: Command): void {
  program
    .command('analyze <path>')
    .description(
      'offline verdict for a bundle (folder, archive or single file): known root causes with evidence and fixes, plus latent risks',
    )
    .option('--format <format>', 'text, json or markdown', 'text')
    .option('--kernel <profile-or-release>', 'override the kernel the bundle reports')
    .action(async (target: string, flags: { format: string; kernel?: string }) => {
      if (!(FORMATS as readonly string[]).includes(flags.format)) {
        throw new Error(`--format must be one of ${FORMATS.join(', ')}, not "${flags.format}"`);
      }
      const { report, warnings } = await analyzeBundle(
        target,
        flags.kernel === undefined ? {} : { kernel: flags.kernel },
      );
      for (const warning of warnings) process.stderr.write(`netmortem: warning: ${warning}\n`);
      const out =
        flags.format === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : flags.format === 'markdown'
            ? reportMarkdown(report, target)
            : reportText(report, target);
      process.stdout.write(out);
    });
}
