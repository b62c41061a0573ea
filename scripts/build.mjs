// Builds everything `npm start`, the CLI and the tests run: the Prisma client, every
// TypeScript project (tsc -b, incremental) and the dashboard. Runs after `npm ci` (prepare).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function step(label, command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  console.error(`build: ${label} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

step('prisma client', process.execPath, ['scripts/prisma-generate.mjs']);
step('typescript', process.execPath, ['node_modules/typescript/bin/tsc', '-b']);
step('dashboard', process.execPath, ['apps/dashboard/build.mjs']);
