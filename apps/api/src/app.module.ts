import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import type { Logger } from '@netmortem/config';
import { DatabaseModule } from '@netmortem/db';
import type { QueueBackend } from '@netmortem/jobs';
import { LoggerModule } from 'nestjs-pino';
import { HttpErrorFilter } from './common/errors/http-exception.filter.js';
import { requestIdFor } from './common/http/request-id.js';
import { API_CONFIG, type ApiEnv } from './config/api-config.js';
import { graphqlOptions } from './graphql/graphql-options.factory.js';
import { AnalysisModule } from './modules/analysis/analysis.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { AuthService } from './modules/auth/auth.service.js';
import { BundleModule } from './modules/bundle/bundle.module.js';
import { CollectorModule } from './modules/collector/collector.module.js';
import { EvidenceViewModule } from './modules/evidence-view/evidence-view.module.js';
import { FirstRunModule } from './modules/first-run/first-run.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { IncidentModule } from './modules/incident/incident.module.js';
import { QueueModule } from './modules/queue/queue.module.js';
import { RootCauseModule } from './modules/root-cause/root-cause.module.js';
import { TeamModule } from './modules/team/team.module.js';
import { ConfigModule } from './config/config.module.js';

export interface AppModuleOptions {
  readonly config: ApiEnv;
  readonly queue: QueueBackend;
  readonly logger: Logger;
}

@Module({})
export class AppModule {
  static forRoot({ config, queue, logger }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            genReqId: requestIdFor,
            customProps: (request) => ({ requestId: request.id }),
            autoLogging: {
              ignore: (request) => request.url === '/healthz' || request.url === '/readyz',
            },
          },
        }),
        DatabaseModule.forRoot({ databaseUrl: config.DATABASE_URL, maxConnections: 10 }),
        QueueModule.forRoot(queue),
        AuditModule,
        AuthModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AuthModule],
          inject: [API_CONFIG, AuthService],
          useFactory: graphqlOptions,
        }),
        HealthModule,
        CollectorModule,
        TeamModule,
        IncidentModule,
        BundleModule,
        AnalysisModule,
        RootCauseModule,
        FirstRunModule,
        EvidenceViewModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
    };
  }
}
