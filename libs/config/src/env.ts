import path from 'node:path';
import { z } from 'zod';

/** Settings every netmortem process shares. Each app extends this with its own. */
export const commonEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  NETMORTEM_DATA_DIR: z
    .string()
    .default('./data')
    .transform((dir) => path.resolve(dir)),
  NETMORTEM_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "-" and "_" only, at most 40')
    .default('netmortem'),
});

export type CommonEnv = z.infer<typeof commonEnvSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment once at start-up. Every problem is reported at once, each
 * naming its variable, so a misconfigured deployment fails before it serves anything.
 */
export function parseEnv<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
): Readonly<z.infer<Schema>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return Object.freeze(result.data);
}

/** Integers given in the environment, e.g. sizes and timeouts, with bounds. */
export function intFromEnv(options: { default: number; min?: number; max?: number }) {
  return z.coerce
    .number()
    .int()
    .min(options.min ?? 0)
    .max(options.max ?? Number.MAX_SAFE_INTEGER)
    .default(options.default);
}
