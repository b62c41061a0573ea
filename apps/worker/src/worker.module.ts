import { BullModule, Processor } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@netmortem/db';
import type { Logger } from '@netmortem/config';
import { QueueName, type QueueBackend } from '@netmortem/jobs';
import { LoggerModule } from 'nestjs-pino';
import { WORKER_CONFIG, type WorkerEnv } from './config/worker-config.js';
import { ROOT_LOGGER } from './logging/root-logger.provider.js';
import { AnalysisPipeline } from './pipeline/analysis-pipeline.service.js';
import { objectStoreProvider } from './pipeline/object-store.provider.js';
import { STAGE_HANDLERS, type StageHandlers } from './pipeline/stage-handler.js';
import { DetectStage } from './pipeline/stages/detect.stage.js';
import { ParseStage } from './pipeline/stages/parse.stage.js';
import { PersistStage } from './pipeline/stages/persist.stage.js';
import { SimulateStage } from './pipeline/stages/simulate.stage.js';
import { MatchStage } from './pipeline/stages/match.stage.js';
import { StoredEvidence } from './pipeline/stored-evidence.js';
import { UnpackStage } from './pipeline/stages/unpack.stage.js';
import { AnalysisProcessor } from './processors/analysis.processor.js';

export interface WorkerModuleOptions {
  readonly config: WorkerEnv;
  readonly queue: QueueBackend;
  readonly logger: Logger;
}

@Module({})
export class WorkerModule {
  static forRoot({ config, queue, logger }: WorkerModuleOptions): DynamicModule {
    // Worker options come from validated config, which exists only at run time, so the
    // @Processor decorator is applied here rather than on the class declaration.
    Processor(QueueName.Analysis, {
      concurrency: config.WORKER_CONCURRENCY,
      lockDuration: config.WORKER_LOCK_DURATION_MS,
      stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: config.WORKER_MAX_STALLED_COUNT,
    })(AnalysisProcessor);

    return {
      module: WorkerModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] }),
        DatabaseModule.forRoot({ databaseUrl: config.DATABASE_URL, maxConnections: 5 }),
        BullModule.forRoot({ connection: queue.connection, prefix: queue.prefix }),
        BullModule.registerQueue({ name: QueueName.Analysis }),
      ],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        { provide: ROOT_LOGGER, useValue: logger },
        objectStoreProvider,
        UnpackStage,
        DetectStage,
        ParseStage,
        SimulateStage,
        MatchStage,
        PersistStage,
        StoredEvidence,
        {
          provide: STAGE_HANDLERS,
          useFactory: (
            unpack: UnpackStage,
            detect: DetectStage,
            parse: ParseStage,
            simulate: SimulateStage,
            match: MatchStage,
            persist: PersistStage,
          ): StageHandlers => ({
            unpack,
            detect,
            parse,
            simulate,
            match,
            persist,
          }),
          inject: [UnpackStage, DetectStage, ParseStage, SimulateStage, MatchStage, PersistStage],
        },
        AnalysisPipeline,
        AnalysisProcessor,
      ],
    };
  }
}
