import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { createPrismaClient } from '../client/prisma-client.factory.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { AnalysisRepository } from '../repositories/analysis.repository.js';
import { ApiTokenRepository } from '../repositories/api-token.repository.js';
import { ArtifactRepository } from '../repositories/artifact.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { BundleRepository } from '../repositories/bundle.repository.js';
import { CommentRepository } from '../repositories/comment.repository.js';
import { FindingRepository } from '../repositories/finding.repository.js';
import { FirstRunRepository } from '../repositories/first-run.repository.js';
import { IncidentRepository } from '../repositories/incident.repository.js';
import { ReviewRepository } from '../repositories/review.repository.js';
import { RootCauseRepository } from '../repositories/root-cause.repository.js';
import { SessionRepository } from '../repositories/session.repository.js';
import { TeamRepository } from '../repositories/team.repository.js';
import { UserRepository } from '../repositories/user.repository.js';

export const PRISMA_CLIENT = Symbol('PRISMA_CLIENT');

export interface DatabaseModuleOptions {
  readonly databaseUrl: string;
  readonly maxConnections?: number;
}

const REPOSITORIES = [
  AnalysisRepository,
  ApiTokenRepository,
  ArtifactRepository,
  AuditRepository,
  BundleRepository,
  CommentRepository,
  FindingRepository,
  FirstRunRepository,
  IncidentRepository,
  ReviewRepository,
  RootCauseRepository,
  SessionRepository,
  TeamRepository,
  UserRepository,
] as const;

/** Answers readiness probes: can we run a query right now? */
@Injectable()
export class DatabaseHealth implements OnApplicationShutdown {
  constructor(@Inject(PRISMA_CLIENT) private readonly db: PrismaClient) {}

  async ping(): Promise<void> {
    await this.db.$queryRaw`SELECT 1`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.$disconnect();
  }
}

/**
 * Provides the Prisma client and one instance of each repository. Repositories are plain
 * classes (the CLI builds them without Nest), so they are registered through factories.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    const clientProvider: Provider = {
      provide: PRISMA_CLIENT,
      useFactory: () => createPrismaClient(options),
    };
    const repositoryProviders: Provider[] = REPOSITORIES.map((Repository) => ({
      provide: Repository,
      useFactory: (db: PrismaClient) => new Repository(db),
      inject: [PRISMA_CLIENT],
    }));
    return {
      module: DatabaseModule,
      global: true,
      providers: [clientProvider, DatabaseHealth, ...repositoryProviders],
      exports: [PRISMA_CLIENT, DatabaseHealth, ...REPOSITORIES],
    };
  }
}
