import path from 'node:path';
import type { Command } from 'commander';
import { findLab, listLabs, runLab } from '@netmortem/labs';
import { labListJson, labListText } from '../lab/lab-list-text.js';

interface RunFlags {
  variant?: string;
  all?: boolean;
  out?: string;
}

export function registerLabCommand(program: Command): void {
  const lab = program
    .command('lab')
    .description(
      'reproduction labs: each catalogued root cause (and healthy traffic) made to happen on this kernel in network namespaces, written as a bundle',
    );

  lab
    .command('list')
    .description('the labs, what each shows and its variants')
    .option('--format <format>', 'text or json', 'text')
    .action((flags: { format: string }) => {
      if (flags.format !== 'text' && flags.format !== 'json')
        throw new Error(`--format must be text or json, not "${flags.format}"`);
      const labs = listLabs();
      process.stdout.write(
        flags.format === 'json'
          ? `${JSON.stringify(labListJson(labs), null, 2)}\n`
          : labListText(labs, process.stdout.columns ?? 100),
      );
    });

  lab
    .command('run <id>')
    .description(
      'run a lab (root; needs ip, iptables, conntrack, tcpdump) and write its bundle plus <dir>.expected.json',
    )
    .option('--variant <id>', 'which variant (default: the first)')
    .option('--all', 'every variant, each into <out>/<variant>')
    .option('--out <dir>', 'bundle directory (default ./netmortem-lab-<id>-<variant>)')
    .action(async (id: string, flags: RunFlags) => {
      const definition = findLab(id);
      if (!definition) throw new Error(`no lab "${id}"; netmortem lab list shows them`);
      // Ctrl-C must still take the namespaces down: exiting runs the labs' exit hooks.
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
        process.once(signal, () => process.exit(130));
      const variants = flags.all
        ? definition.variants.map((v) => v.id)
        : [flags.variant ?? definition.variants[0]?.id ?? ''];
      for (const variant of variants) {
        const outDir = flags.all
          ? path.join(flags.out ?? `netmortem-lab-${id}`, variant)
          : (flags.out ?? `netmortem-lab-${id}-${variant}`);
        process.stderr.write(`lab ${id} / ${variant}\n`);
        const { bundleDir, expected, durationMs } = await runLab(id, {
          variant,
          outDir,
          log: (line) => process.stderr.write(`  ${line}\n`),
        });
        const flow = expected.flow
          ? `, flow ${expected.flow.client} -> ${expected.flow.server}`
          : '';
        process.stdout.write(
          `${bundleDir} (${(durationMs / 1000).toFixed(1)} s): expected ${expected.rootCause ?? 'no finding'}${flow}; see ${bundleDir}.expected.json\n`,
        );
      }
    });
}
