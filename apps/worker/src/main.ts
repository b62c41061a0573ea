import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger, parseEnv } from '@netmortem/config';
import { configureQueueBackend } from '@netmortem/jobs';
import { Logger } from 'nestjs-pino';
import { workerEnvSchema } from './config/worker-env.schema.js';
import { WorkerModule } from './worker.module.js';

/** A worker process: no HTTP, only BullMQ consumers. Start as many as the load needs. */
async function bootstrap(): Promise<void> {
  const config = parseEnv(workerEnvSchema, process.env);
  const logger = createLogger({ name: 'netmortem-worker', level: config.LOG_LEVEL });
  const queue = configureQueueBackend({
    redisUrl: config.REDIS_URL,
    databaseUrl: config.DATABASE_URL,
    prefix: config.NETMORTEM_QUEUE_PREFIX,
  });
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot({ config, queue, logger }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  logger.info(
    { queue: queue.description, concurrency: config.WORKER_CONCURRENCY, pid: process.pid },
    'worker ready',
  );
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `netmortem worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
