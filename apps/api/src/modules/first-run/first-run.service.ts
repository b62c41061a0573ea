import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { BUILTIN_ROOT_CAUSES } from '@netmortem/catalogue';
import {
  API_TOKEN_PREFIX,
  FirstRunRepository,
  RootCauseRepository,
  hashSecret,
  newSecret,
  secretPrefix,
  hashPassword,
} from '@netmortem/db';
import { PinoLogger } from 'nestjs-pino';
import { API_CONFIG, type ApiEnv } from '../../config/api-config.js';

export const DEFAULT_TEAM = 'default';

/**
 * Every start: the shipped catalogue is written to the database. First start on an empty
 * database: a default team, an admin and an admin token are created, and their secrets are
 * printed once on stdout (never to the structured log, which may be shipped elsewhere).
 */
@Injectable()
export class FirstRunService implements OnApplicationBootstrap {
  constructor(
    private readonly firstRun: FirstRunRepository,
    private readonly rootCauses: RootCauseRepository,
    private readonly logger: PinoLogger,
    @Inject(API_CONFIG) private readonly config: ApiEnv,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.rootCauses.syncBuiltins(
      BUILTIN_ROOT_CAUSES.map((entry) => ({
        slug: entry.id,
        title: entry.title,
        summary: entry.summary,
        definition: { ...entry },
      })),
      new Date(),
    );
    this.logger.info({ entries: BUILTIN_ROOT_CAUSES.length }, 'built-in catalogue loaded');

    const password = randomBytes(12).toString('base64url');
    const token = newSecret(API_TOKEN_PREFIX);
    const created = await this.firstRun.claim({
      teamName: DEFAULT_TEAM,
      adminEmail: this.config.NETMORTEM_ADMIN_EMAIL,
      adminPasswordHash: await hashPassword(password),
      tokenName: 'first-run admin token',
      tokenPrefix: secretPrefix(token),
      tokenHash: hashSecret(token),
    });
    if (!created) return;
    this.logger.info(
      { team: created.team.name, admin: created.admin.email },
      'first run: default team and admin created',
    );
    process.stdout.write(
      [
        '',
        '  netmortem first run: a team "default" and its admin were created.',
        `  Sign in to the dashboard as ${created.admin.email} with password: ${password}`,
        `  Admin API token (shown once): ${token}`,
        '  More tokens: npx netmortem admin create-token --team default',
        '',
      ].join('\n') + '\n',
    );
  }
}
