// Type-checks everything, tests included: the build graph (tsc -b, which skips specs) and
// then each package's own tsconfig.json, which adds its *.spec.ts files, plus test/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = ['node_modules/typescript/bin/tsc'];
const projects = ['libs', 'apps']
  .flatMap((group) =>
    readdirSync(`${root}${group}`).map((name) => `${group}/${name}/tsconfig.json`),
  )
  .filter((project) => existsSync(`${root}${project}`))
  .concat('test/tsconfig.json');

let failed = 0;
for (const args of [['-b'], ...projects.map((project) => ['-p', project])]) {
  const result = spawnSync(process.execPath, [...tsc, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
