import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEnv } from '@netmortem/config';
import { apiEnvSchema } from '../../apps/api/src/config/api-env.schema.js';
import { workerEnvSchema } from '../../apps/worker/src/config/worker-env.schema.js';

// No Docker engine runs here, so the file is checked as data: structure, health gates, and
// that every service's environment passes the same validation the processes run at start.
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  container_name?: string;
}

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

describe('docker-compose.yml', () => {
  it('should define the team deployment services', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'migrate',
      'postgres',
      'redis',
      'worker',
    ]);
  });

  it('should health-check the stateful services and gate the app on them', () => {
    for (const name of ['postgres', 'redis', 'api']) {
      expect(compose.services[name]?.healthcheck?.test.length, name).toBeGreaterThan(0);
    }
    for (const name of ['api', 'worker']) {
      expect(compose.services[name]?.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
  });

  it('should keep workers scalable: no fixed name, no host port, several replicas', () => {
    const worker = compose.services.worker!;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.deploy?.replicas).toBeGreaterThan(1);
  });

  it('should persist data in named volumes shared where needed', () => {
    expect(Object.keys(compose.volumes).sort()).toEqual(['bundles', 'pgdata', 'redisdata']);
    expect(compose.services.api?.volumes).toEqual(compose.services.worker?.volumes);
    expect(compose.services.redis?.command).toContain('--appendonly');
  });

  it('should give each process an environment its own config validation accepts', () => {
    const api = parseEnv(apiEnvSchema, compose.services.api!.environment!);
    expect(api.REDIS_URL).toBe('redis://redis:6379');
    expect(api.PORT).toBe(3000);
    const worker = parseEnv(workerEnvSchema, compose.services.worker!.environment!);
    expect(worker.DATABASE_URL).toContain('@postgres:5432/');
    expect(compose.services.api!.command).toEqual(['node', 'apps/api/dist/main.js']);
    expect(compose.services.worker!.command?.at(-1)).toBe('apps/worker/dist/main.js');
  });
});
