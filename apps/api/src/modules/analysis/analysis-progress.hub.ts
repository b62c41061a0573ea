import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AnalysisEventsListener, type AnalysisProgressEvent } from '@netmortem/db';
import { PubSub } from 'graphql-subscriptions';
import { PinoLogger } from 'nestjs-pino';
import { API_CONFIG, type ApiEnv } from '../../config/api-config.js';

/**
 * Fans PostgreSQL progress notifications (published by any worker) out to this process's
 * GraphQL subscribers. The in-process PubSub only spans one API replica, which is enough:
 * every replica listens to the database itself.
 */
@Injectable()
export class AnalysisProgressHub implements OnModuleInit, OnModuleDestroy {
  private readonly pubsub = new PubSub<Record<string, AnalysisProgressEvent>>();
  private readonly listener: AnalysisEventsListener;

  constructor(
    @Inject(API_CONFIG) config: ApiEnv,
    private readonly logger: PinoLogger,
  ) {
    this.listener = new AnalysisEventsListener(config.DATABASE_URL);
    this.listener.on('progress', (event) => {
      void this.pubsub.publish(topicOf(event.analysisId), event);
    });
    this.listener.on('error', (error) =>
      this.logger.warn({ err: error }, 'progress listener lost its connection; reconnecting'),
    );
  }

  async onModuleInit(): Promise<void> {
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener.stop();
  }

  subscribe(analysisId: string): AsyncIterableIterator<AnalysisProgressEvent> {
    return this.pubsub.asyncIterableIterator(topicOf(analysisId));
  }
}

function topicOf(analysisId: string): string {
  return `analysis:${analysisId}`;
}
