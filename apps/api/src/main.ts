import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, parseEnv } from '@netmortem/config';
import { configureQueueBackend } from '@netmortem/jobs';
import express from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { apiEnvSchema } from './config/api-env.schema.js';

const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

async function bootstrap(): Promise<void> {
  const config = parseEnv(apiEnvSchema, process.env);
  const logger = createLogger({ name: 'netmortem-api', level: config.LOG_LEVEL });
  const queue = configureQueueBackend({
    redisUrl: config.REDIS_URL,
    databaseUrl: config.DATABASE_URL,
    prefix: config.NETMORTEM_QUEUE_PREFIX,
  });
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ config, queue, logger }),
    {
      bufferLogs: true,
      bodyParser: true,
    },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          imgSrc: ["'self'", 'data:'],
        },
      },
    }),
  );
  const dashboardDir = config.DASHBOARD_DIR ?? DEFAULT_DASHBOARD_DIR;
  if (existsSync(dashboardDir))
    app.use(express.static(dashboardDir, { index: 'index.html', maxAge: '5m' }));
  else logger.warn({ dashboardDir }, 'dashboard build not found; serving the API only');

  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, queue: queue.description }, 'api listening');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `netmortem api failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
