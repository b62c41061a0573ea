import { z } from 'zod';
import { commonEnvSchema, intFromEnv } from '@netmortem/config';

export const apiEnvSchema = commonEnvSchema.extend({
  PORT: intFromEnv({ default: 3000, min: 0, max: 65_535 }),
  HOST: z.string().default('0.0.0.0'),
  /** How people reach this server; shown in messages and used for Origin checks. */
  NETMORTEM_PUBLIC_URL: z.url().optional(),
  /** Largest bundle an upload may carry. */
  BUNDLE_MAX_BYTES: intFromEnv({ default: 512 * 1024 ** 2, min: 1024 }),
  SESSION_TTL_HOURS: intFromEnv({ default: 12, min: 1, max: 24 * 30 }),
  /** Secure cookies need HTTPS; behind a TLS-terminating proxy set this to true. */
  COOKIE_SECURE: z.enum(['true', 'false', 'auto']).default('auto'),
  NETMORTEM_ADMIN_EMAIL: z.email().default('admin@netmortem.local'),
  /** Attempts per analysis stage for transient faults; bad input is never retried. */
  ANALYSIS_STAGE_ATTEMPTS: intFromEnv({ default: 4, min: 1, max: 20 }),
  GRAPHQL_MAX_DEPTH: intFromEnv({ default: 10, min: 2, max: 50 }),
  GRAPHQL_MAX_COST: intFromEnv({ default: 20_000, min: 100 }),
  /** Where the built dashboard lives; served at /. */
  DASHBOARD_DIR: z.string().optional(),
});
