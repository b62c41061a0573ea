#!/usr/bin/env node
// The conntrack differential suite from the command line (root; build first: npm run build):
//   node scripts/lab/conntrack-differential.mjs [--only <id prefix>] [--report out.json]
//        [--write-fixture] [--keep-files <dir>] [--lanes N] [--seed N] [--max N]
// Runs the crafted sequences through real netfilter conntrack in network namespaces, feeds
// them to the simulator, prints the agreement figures and every disagreement.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_SUITE_SEED,
  compareWithKernel,
  formatReport,
  generateSuite,
  runKernelSuite,
  toFixture,
} from '../../libs/labs/dist/index.js';

// Ctrl-C and kill must still remove the namespaces: exiting runs the labs' exit handlers.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(130));

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
const seed = Number(option('--seed') ?? DEFAULT_SUITE_SEED);
const only = option('--only') ?? '';
const suite = generateSuite(seed)
  .filter((s) => s.id.startsWith(only))
  .slice(0, Number(option('--max') ?? Infinity));
if (process.getuid?.() !== 0) {
  console.error('the differential suite needs root (network namespaces, nft, conntrack)');
  process.exit(2);
}

const started = Date.now();
const run = await runKernelSuite(suite, {
  suiteSeed: seed,
  lanes: Number(option('--lanes') ?? 2),
  log: (line) => console.error(line),
  ...(option('--keep-files') ? { keepFilesIn: option('--keep-files') } : {}),
});
console.error(`kernel: ${suite.length} sequences in ${Date.now() - started} ms`);
for (const warning of run.warnings) console.error(`warning: ${warning}`);
for (const note of run.notes ?? []) console.error(`note: ${note}`);

if (args.includes('--write-fixture')) {
  if (only !== '' || option('--max') !== undefined || seed !== DEFAULT_SUITE_SEED) {
    console.error('--write-fixture records the whole default suite only');
    process.exit(2);
  }
  const release = run.kernelRelease.split('.').slice(0, 2).join('.');
  const path = fileURLToPath(
    new URL(
      `../../libs/labs/src/conntrack-differential/__fixtures__/kernel-${release}-verdicts.json`,
      import.meta.url,
    ),
  );
  writeFileSync(path, `${JSON.stringify(toFixture(run), null, 1)}\n`);
  execFileSync('npx', ['prettier', '--write', path], { stdio: 'ignore' });
  console.error(`fixture written: ${path}`);
}

const report = await compareWithKernel(suite, run);
const out = option('--report');
if (out) writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(formatReport(report, Number(option('--show') ?? 200)));
