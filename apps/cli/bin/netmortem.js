#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the root prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(
    'netmortem: the CLI is not built yet; run `npm run build` at the repository root\n',
  );
  process.exit(2);
}
await import(entry);
