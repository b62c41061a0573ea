#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the root prepare script).
//
// Capture analysis holds little live state but allocates briefly for every packet; V8's
// default young generation then grows its heap with the length of the capture. A small
// semi-space keeps peak memory flat (bench/capture measures both), so the CLI re-runs itself
// once with these flags, forwarding signals and the exit code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(
    'netmortem: the CLI is not built yet; run `npm run build` at the repository root\n',
  );
  process.exit(2);
}

const FLAGS = ['--max-semi-space-size=2', '--no-allocation-site-pretenuring'];
if (FLAGS.every((flag) => process.execArgv.includes(flag))) {
  await import(entry);
} else {
  const child = spawn(
    process.execPath,
    [...FLAGS, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) =>
    process.exit(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1)),
  );
}
