import { Module } from '@nestjs/common';
import { RootCauseModule } from '../root-cause/root-cause.module.js';
import { AnalysisProgressHub } from './analysis-progress.hub.js';
import { AnalysisResolver } from './analysis.resolver.js';
import { AnalysisService } from './analysis.service.js';
import { FindingResolver } from './finding.resolver.js';

@Module({
  imports: [RootCauseModule],
  providers: [AnalysisService, AnalysisProgressHub, AnalysisResolver, FindingResolver],
  exports: [AnalysisService],
})
export class AnalysisModule {}
