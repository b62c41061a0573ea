// Lint rules double as architecture rules: the blocks at the end keep libraries free of
// framework, I/O and each other where the dependency table in docs/ARCHITECTURE.md says so.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const PURE_LIBS = ['domain', 'catalogue', 'evidence', 'simulator', 'matcher'];
const frameworkImports = [
  {
    group: ['@nestjs/*'],
    message:
      'libraries stay framework-free: Nest belongs in apps/ (or libs/db, libs/jobs adapters)',
  },
  { group: ['@prisma/*', '**/generated/prisma/**'], message: 'only libs/db talks to Prisma' },
  { group: ['bullmq', 'ioredis'], message: 'only libs/jobs and the apps talk to the queue' },
];
const appImports = {
  group: ['**/apps/**', '@netmortem/api', '@netmortem/worker', '@netmortem/cli'],
  message: 'a library never imports an app',
};
const deepImports = {
  group: ['@netmortem/*/src/**', '@netmortem/*/dist/**'],
  message: 'import a package by its name only',
};

function restrictImports(patterns) {
  return { 'no-restricted-imports': ['error', { patterns }] };
}

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'libs/db/src/generated/**',
      'data/**',
      'coverage/**',
      'apps/dashboard/src/gql/**',
      '**/__fixtures__/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: { allowDefaultProject: ['*.config.ts', '*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
      'no-console': 'error',
      ...restrictImports([deepImports]),
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-console': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The web app runs in the browser and its GraphQL types are generated (src/gql).
    files: ['apps/dashboard/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    // React calls event handlers and ignores what they return: async ones are fine there.
    rules: {
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { attributes: false } },
      ],
    },
  },
  {
    // Nest resolves constructor parameters from runtime type metadata: those imports must stay values.
    files: ['apps/api/src/**/*.ts', 'apps/worker/src/**/*.ts', 'libs/db/src/nest/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: [`libs/{${PURE_LIBS.join(',')}}/src/**/*.ts`],
    ignores: ['**/*.spec.ts'],
    rules: {
      ...restrictImports([
        ...frameworkImports,
        appImports,
        deepImports,
        {
          group: [
            '@netmortem/db',
            '@netmortem/jobs',
            '@netmortem/storage',
            '@netmortem/bundle',
            '@netmortem/config',
          ],
          message: 'pure libraries depend on @netmortem/domain only',
        },
        {
          group: ['node:fs', 'node:fs/*', 'fs', 'node:net', 'node:http', 'node:child_process'],
          message: 'pure libraries do no I/O: take bytes or objects as arguments',
        },
      ]),
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'pass the time in; pure libraries are deterministic',
        },
        {
          object: 'Math',
          property: 'random',
          message: 'pass randomness in; pure libraries are deterministic',
        },
        { object: 'process', property: 'env', message: 'configuration arrives as arguments' },
      ],
    },
  },
  {
    files: ['libs/domain/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: restrictImports([
      { group: ['@netmortem/*'], message: 'domain depends on nothing' },
      ...frameworkImports,
    ]),
  },
  {
    files: ['libs/{storage,bundle,config,collector}/src/**/*.ts'],
    rules: {
      ...restrictImports([
        ...frameworkImports,
        appImports,
        deepImports,
        {
          group: [
            '@netmortem/db',
            '@netmortem/jobs',
            '@netmortem/evidence',
            '@netmortem/catalogue',
          ],
          message: 'this library depends on @netmortem/domain only',
        },
      ]),
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'configuration arrives as arguments' },
      ],
    },
  },
  {
    // Labs drive the real kernel (namespaces, tcpreplay, conntrack): I/O is their job, but they
    // still see the service only through the pure libraries.
    files: ['libs/labs/src/**/*.ts'],
    rules: restrictImports([
      ...frameworkImports,
      appImports,
      deepImports,
      {
        group: ['@netmortem/db', '@netmortem/jobs', '@netmortem/storage'],
        message: 'labs depend on the domain, evidence and simulator libraries only',
      },
    ]),
  },
  {
    files: ['libs/jobs/src/**/*.ts'],
    rules: restrictImports([
      frameworkImports[1],
      appImports,
      deepImports,
      { group: ['@netmortem/db'], message: 'jobs and db stay independent' },
    ]),
  },
  {
    files: ['libs/db/src/**/*.ts'],
    rules: restrictImports([
      frameworkImports[2],
      appImports,
      deepImports,
      { group: ['@netmortem/jobs'], message: 'jobs and db stay independent' },
    ]),
  },
  {
    files: ['apps/**/*.ts'],
    rules: restrictImports([frameworkImports[1], deepImports]),
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
