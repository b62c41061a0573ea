import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commonEnvSchema, ConfigError, intFromEnv, parseEnv } from './env.js';

const schema = commonEnvSchema.extend({ PORT: intFromEnv({ default: 3000, min: 0, max: 65535 }) });

describe(parseEnv.name, () => {
  it('should apply defaults and resolve the data directory', () => {
    const env = parseEnv(schema, { DATABASE_URL: 'postgres://u@h:5432/db' });
    expect(env.PORT).toBe(3000);
    expect(env.NETMORTEM_QUEUE_PREFIX).toBe('netmortem');
    expect(env.NETMORTEM_DATA_DIR).toMatch(/^\//);
    expect(env.REDIS_URL).toBeUndefined();
  });

  it('should treat an empty REDIS_URL as unset', () => {
    expect(parseEnv(schema, { DATABASE_URL: 'postgres://h/db', REDIS_URL: '' }).REDIS_URL).toBe(
      undefined,
    );
  });

  it('should name every bad variable at once', () => {
    let error: unknown;
    try {
      parseEnv(schema, { DATABASE_URL: 'mysql://h/db', PORT: 'eighty', REDIS_URL: 'http://x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('DATABASE_URL');
    expect(problems).toContain('PORT');
    expect(problems).toContain('REDIS_URL');
  });

  it('should freeze the result', () => {
    const env = parseEnv(z.object({ A: z.string().default('x') }), {});
    expect(Object.isFrozen(env)).toBe(true);
  });
});
