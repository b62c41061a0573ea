import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { tarGz } from './bundle-builder.js';
import { LAB_BUNDLES } from './lab-fixtures.js';
import { CLI_ENTRY, REPO_ROOT } from './service-process.js';
import type { TestStack } from './test-stack.js';

const run = promisify(execFile);

export interface PasswordUser {
  readonly email: string;
  readonly password: string;
}

/** A password user of `team`, made with the documented `netmortem admin create-user`. */
export async function createPasswordUser(
  stack: TestStack,
  team: string,
  role: 'admin' | 'member' = 'admin',
): Promise<PasswordUser> {
  const user = { email: `${team}-${role}@example.test`, password: `pw-${team}-${role}-1234` };
  await run(
    process.execPath,
    [
      CLI_ENTRY,
      'admin',
      'create-user',
      '--team',
      team,
      '--email',
      user.email,
      '--password',
      user.password,
      '--role',
      role,
    ],
    { env: { PATH: process.env.PATH, DATABASE_URL: stack.database.url } },
  );
  return user;
}

/** A recorded lab bundle (one variant folder) packed as the .tar.gz the collector writes. */
export async function labBundleTarGz(lab: string, variant: string): Promise<Buffer> {
  const dir = path.join(LAB_BUNDLES, lab, variant);
  return tarGz(
    readdirSync(dir).map((name) => ({ path: name, content: readFileSync(path.join(dir, name)) })),
  );
}

/** Signs in over HTTP as the dashboard does; returns the session cookie. */
export async function signInCookie(baseUrl: string, user: PasswordUser): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('sign-in answered without a session cookie');
  return cookie;
}

/**
 * A private copy of the built dashboard for TestStack's `apiEnv.DASHBOARD_DIR`, so a rebuild
 * while the test runs (another terminal, `npm run build`) cannot pull files from under the page.
 */
export function dashboardSnapshot(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'nm-dashboard-')), 'dist');
  cpSync(path.join(REPO_ROOT, 'apps/dashboard/dist'), dir, { recursive: true });
  return dir;
}
