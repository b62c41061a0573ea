// Builds the dashboard: typed GraphQL documents from the committed schema (codegen), then the
// Vite bundle into dist/, which the API serves at /.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

const codegen = spawnSync(
  process.execPath,
  [`${root}node_modules/@graphql-codegen/cli/esm/bin.js`, '--config', 'codegen.yml', '--silent'],
  { cwd: here, stdio: 'inherit' },
);
if (codegen.status !== 0) process.exit(codegen.status ?? 1);
await build({ configFile: `${here}vite.config.mjs`, logLevel: 'warn' });
