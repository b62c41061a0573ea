import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { QueueName, type QueueBackend } from '@netmortem/jobs';
import { AnalysisQueue } from './analysis-queue.service.js';

@Global()
@Module({})
export class QueueModule {
  static forRoot(backend: QueueBackend): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({ connection: backend.connection, prefix: backend.prefix }),
        BullModule.registerQueue({ name: QueueName.Analysis }),
        BullModule.registerFlowProducer({ name: QueueName.Analysis }),
      ],
      providers: [AnalysisQueue],
      exports: [AnalysisQueue],
    };
  }
}
