import type { Command } from 'commander';
import { JsonObjectWriter } from '../output/json-stream.js';
import { simulateBundle, type SimulateOptions } from '../simulate/simulate-bundle.js';
import { simulateText } from '../simulate/simulate-text.js';

interface SimulateFlags {
  format: string;
  kernel?: string;
  set: string[];
  whatIf: string[];
  seed?: string;
  local: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Packets between two backpressure checks while streaming JSON. */
const PACE_EVERY = 256;

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate <path>')
    .description(
      'replay a bundle’s packets through a model of Linux conntrack, NAT, filtering and sockets: per-packet verdicts, hidden-state timeline, what-if',
    )
    .option('--format <format>', 'text or json', 'text')
    .option(
      '--kernel <profile-or-release>',
      'kernel profile (pre-5.14, 5.14-6.1, 6.2+) or a release like 5.15.0-91-generic',
    )
    .option('--set <key=value>', 'override a sysctl for the replay (repeatable)', collect, [])
    .option(
      '--what-if <key=value>',
      'replay again with a change and report the difference (repeatable): a sysctl, kernel=…, keepalive=client:60, add-rule=mangle:-A PREROUTING …, remove-rule=[table:]-A …',
      collect,
      [],
    )
    .option('--seed <n>', 'seed for guessed statistic NAT picks', undefined)
    .option(
      '--local <ip>',
      'an address of the replayed host (repeatable; inferred when absent)',
      collect,
      [],
    )
    .action(async (target: string, flags: SimulateFlags) => {
      if (flags.format !== 'text' && flags.format !== 'json') {
        throw new Error(`--format must be text or json, not "${flags.format}"`);
      }
      const options: SimulateOptions = {
        ...(flags.kernel === undefined ? {} : { kernel: flags.kernel }),
        set: flags.set,
        whatIf: flags.whatIf,
        ...(flags.seed === undefined ? {} : { seed: flags.seed }),
        local: flags.local,
      };
      const { run, diff, warnings } = await simulateBundle(target, options);
      for (const warning of warnings) process.stderr.write(`netmortem: warning: ${warning}\n`);
      if (flags.format === 'text') {
        process.stdout.write(simulateText(run, diff));
        return;
      }
      // Verdicts are materialised one packet at a time, at the pace stdout takes them.
      const writer = new JsonObjectWriter(process.stdout);
      await writer.field('input', run.input);
      writer.beginArray('packets');
      for (let i = 0; i < run.packetCount; i++) {
        writer.item(run.packet(i));
        if (i % PACE_EVERY === PACE_EVERY - 1) await writer.ready();
      }
      await writer.field('timeline', run.timeline());
      if (diff) await writer.field('diff', diff);
      await writer.end();
    });
}
