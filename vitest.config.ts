import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { typescriptDecorators } from './test/support/typescript-decorators.plugin.js';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests read the libraries' sources, so a stale dist/ never hides a change.
const libraries = {
  find: /^@netmortem\/(domain|config|catalogue|evidence|simulator|matcher|labs|storage|bundle|jobs|db|collector)$/,
  replacement: `${root}libs/$1/src/index.ts`,
};

export default defineConfig({
  plugins: [typescriptDecorators()],
  // TypeScript is compiled by the plugin above; Vite's own transform would only repeat it.
  oxc: false,
  resolve: { alias: [libraries, { find: /^@test\/(.*)$/, replacement: `${root}test/$1` }] },
  test: {
    env: { TZ: 'UTC' },
    // .ci/run asks for a machine-readable summary to print its "N passed, N failed" line.
    reporters: process.env.NETMORTEM_TEST_REPORT
      ? ['default', ['json', { outputFile: process.env.NETMORTEM_TEST_REPORT }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.spec.ts', 'apps/*/src/**/*.spec.ts', 'test/**/*.spec.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['libs/*/src/**/*.int-spec.ts', 'apps/*/src/**/*.int-spec.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e-spec.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file boots real API and worker processes; two cores cannot run many at once.
          maxWorkers: 1,
          fileParallelism: false,
        },
      },
    ],
  },
});
