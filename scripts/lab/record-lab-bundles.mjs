#!/usr/bin/env node
// Records every reproduction lab's bundles (root; build first: npm run build):
//   node scripts/lab/record-lab-bundles.mjs [--lab <id>]... [--variant <id>] [--out DIR]
// Each variant runs on the live kernel in its own namespaces and writes
// DIR/<lab>/<variant>/ (the bundle) and DIR/<lab>/<variant>.expected.json (the outcome the
// matcher must find). DIR defaults to test/fixtures/lab-bundles. Prints each variant's time.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listLabs, runLab } from '../../libs/labs/dist/index.js';

// Ctrl-C and kill must still remove the namespaces: exiting runs the labs' exit handlers.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(130));

const args = process.argv.slice(2);
const values = (name) => args.flatMap((arg, i) => (arg === name ? [args[i + 1]] : []));
const repo = fileURLToPath(new URL('../..', import.meta.url));
const out = path.resolve(values('--out')[0] ?? path.join(repo, 'test/fixtures/lab-bundles'));
const onlyLabs = values('--lab');
const onlyVariant = values('--variant')[0];

const labs = listLabs().filter((lab) => onlyLabs.length === 0 || onlyLabs.includes(lab.id));
if (labs.length === 0) {
  process.stderr.write(`no lab matches ${onlyLabs.join(', ')}\n`);
  process.exit(2);
}
let failures = 0;
for (const lab of labs) {
  for (const variant of lab.variants) {
    if (onlyVariant !== undefined && variant.id !== onlyVariant) continue;
    const bundleDir = path.join(out, lab.id, variant.id);
    rmSync(bundleDir, { recursive: true, force: true });
    rmSync(`${bundleDir}.expected.json`, { force: true });
    try {
      const { durationMs, expected } = await runLab(lab.id, {
        variant: variant.id,
        outDir: bundleDir,
        log: (line) => process.stdout.write(`    ${line}\n`),
      });
      const flow = expected.flow ? ` flow ${expected.flow.client} -> ${expected.flow.server}` : '';
      process.stdout.write(
        `ok   ${lab.id}/${variant.id} ${(durationMs / 1000).toFixed(1)} s${flow}\n`,
      );
    } catch (error) {
      failures++;
      process.stdout.write(`FAIL ${lab.id}/${variant.id}: ${error.message}\n`);
    }
  }
}
process.exit(failures === 0 ? 0 : 1);
