import type { Command } from 'commander';

interface CollectCommandOptions {
  output?: string;
  duration: string;
  filter?: string;
  interface?: string;
  snaplen?: string;
  maxSize?: string;
  netns?: string;
  label?: string;
  capture: boolean;
  events: boolean;
}

/**
 * Runs the same POSIX collector script the API serves at /collect.sh, so a node with Node.js
 * and one without produce identical bundles.
 */
export function registerCollectCommand(program: Command): void {
  program
    .command('collect')
    .description(
      'gather a diagnostics bundle on this node or in a network namespace (needs root for most tools)',
    )
    .option('-o, --output <path>', 'archive file or directory')
    .option('-d, --duration <seconds>', 'how long to record conntrack events and the capture', '30')
    .option('-f, --filter <expression>', 'tcpdump filter')
    .option('-i, --interface <name>', 'capture interface (default any)')
    .option('-s, --snaplen <bytes>', 'bytes kept per packet (0 = all, 128 = headers)')
    .option('-m, --max-size <MiB>', 'capture size cap in MiB')
    .option('-n, --netns <name>', 'run every command in this named network namespace')
    .option('-l, --label <text>', 'what the namespace is, e.g. pod:shop/orders-7d9f8b6c5-x2x7q')
    .option('--no-capture', 'skip the packet capture')
    .option('--no-events', 'skip conntrack -E')
    .action(async (options: CollectCommandOptions) => {
      const { runCollector } = await import('@netmortem/collector');
      const result = await runCollector({
        ...(options.output ? { output: options.output } : {}),
        durationSeconds: Number(options.duration),
        ...(options.filter ? { filter: options.filter } : {}),
        ...(options.interface ? { interface: options.interface } : {}),
        ...(options.snaplen ? { snaplen: Number(options.snaplen) } : {}),
        ...(options.maxSize ? { maxCaptureMiB: Number(options.maxSize) } : {}),
        ...(options.netns ? { netns: options.netns } : {}),
        ...(options.label ? { label: options.label } : {}),
        capture: options.capture,
        events: options.events,
        onProgress: (line) => void process.stderr.write(`${line}\n`),
      });
      if (result.exitCode !== 0 || !result.archivePath) {
        throw new Error(result.error ?? `the collector exited with code ${result.exitCode}`);
      }
      process.stdout.write(`${result.archivePath}\n`);
    });
}
