import { createPostgresBackend, setDefaultBackendFactory, type ConnectionOptions } from 'bullmq';

export interface QueueBackendConfig {
  /** When set, queues live in this Redis; otherwise in PostgreSQL through BullMQ's backend. */
  readonly redisUrl?: string;
  readonly databaseUrl: string;
  /** Namespace of every queue: a Redis key prefix, or a PostgreSQL schema. */
  readonly prefix: string;
}

export interface QueueBackend {
  readonly kind: 'redis' | 'postgres';
  readonly connection: ConnectionOptions;
  readonly prefix: string;
  /** Printable description without secrets. */
  readonly description: string;
}

/**
 * Chooses the process-wide BullMQ backend. Must run before any Queue, Worker or
 * FlowProducer is built, because they pick the backend up from the default factory.
 */
export function configureQueueBackend(config: QueueBackendConfig): QueueBackend {
  if (config.redisUrl) {
    setDefaultBackendFactory(undefined);
    const url = new URL(config.redisUrl);
    return {
      kind: 'redis',
      prefix: config.prefix,
      description: `redis ${url.hostname}:${url.port || '6379'} prefix "${config.prefix}"`,
      connection: {
        host: url.hostname,
        port: Number(url.port || 6379),
        username: url.username ? decodeURIComponent(url.username) : undefined,
        password: url.password ? decodeURIComponent(url.password) : undefined,
        db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
        tls: url.protocol === 'rediss:' ? {} : undefined,
        // Workers block on Redis; BullMQ requires unlimited retries per request for them.
        maxRetriesPerRequest: null,
      },
    };
  }
  setDefaultBackendFactory(createPostgresBackend);
  const schema = postgresSchemaFor(config.prefix);
  return {
    kind: 'postgres',
    prefix: config.prefix,
    description: `postgresql schema "${schema}"`,
    connection: {
      connectionString: config.databaseUrl,
      schema,
      migrate: true,
      max: 5,
    },
  };
}

/** BullMQ's PostgreSQL backend namespaces by schema; derive a valid identifier from the prefix. */
export function postgresSchemaFor(prefix: string): string {
  const cleaned = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `bullmq_${cleaned}`.slice(0, 63);
}
