import { Module } from '@nestjs/common';
import { RootCauseResolver } from './root-cause.resolver.js';
import { RootCauseService } from './root-cause.service.js';
import { RootCauseStatsStore } from './root-cause-stats.store.js';

@Module({
  providers: [RootCauseStatsStore, RootCauseService, RootCauseResolver],
  exports: [RootCauseService],
})
export class RootCauseModule {}
