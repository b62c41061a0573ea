import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The dependency table in docs/ARCHITECTURE.md is enforced by lint. These probes prove the
// rules fire: each snippet is linted as if it lived at the given path.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    // Type information is irrelevant to import rules and unavailable for files not on disk.
    languageOptions: { parserOptions: { projectService: false, project: null } },
  },
  ruleFilter: ({ ruleId }) =>
    ruleId === 'no-restricted-imports' || ruleId === 'no-restricted-properties',
});

async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? []).map((message) => message.message);
}

describe('architecture rules', () => {
  it('should keep pure libraries free of frameworks, I/O, the database and the clock', async () => {
    expect(
      await violations(
        'libs/evidence/src/probe.ts',
        "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n",
      ),
    ).toEqual([expect.stringMatching(/framework-free/)]);
    expect(
      await violations(
        'libs/evidence/src/probe.ts',
        "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      ),
    ).toEqual([expect.stringMatching(/no I\/O/)]);
    expect(
      await violations(
        'libs/catalogue/src/probe.ts',
        "import { TeamRepository } from '@netmortem/db';\nexport const x = TeamRepository;\n",
      ),
    ).toEqual([expect.stringMatching(/depend on @netmortem\/domain only/)]);
    expect(
      await violations('libs/evidence/src/probe.ts', 'export const now = Date.now();\n'),
    ).toEqual([expect.stringMatching(/deterministic/)]);
  });

  it('should keep the domain dependent on nothing and libraries away from apps', async () => {
    expect(
      await violations(
        'libs/domain/src/probe.ts',
        "import { x } from '@netmortem/catalogue';\nexport const y = x;\n",
      ),
    ).toEqual([expect.stringMatching(/domain depends on nothing/)]);
    expect(
      await violations(
        'libs/storage/src/probe.ts',
        "import { x } from '../../../apps/api/src/main.js';\nexport const y = x;\n",
      ),
    ).toEqual([expect.stringMatching(/never imports an app/)]);
  });

  it('should let only libs/db talk to Prisma and forbid deep imports into packages', async () => {
    expect(
      await violations(
        'apps/api/src/probe.ts',
        "import { PrismaClient } from '@prisma/client';\nexport const x = PrismaClient;\n",
      ),
    ).toEqual([expect.stringMatching(/only libs\/db talks to Prisma/)]);
    expect(
      await violations(
        'apps/worker/src/probe.ts',
        "import { x } from '@netmortem/db/src/index.js';\nexport const y = x;\n",
      ),
    ).toEqual([expect.stringMatching(/by its name only/)]);
    expect(
      await violations(
        'libs/db/src/probe.ts',
        "import { PrismaClient } from '@prisma/client';\nexport const x = PrismaClient;\n",
      ),
    ).toEqual([]);
  });
});
