import { Module } from '@nestjs/common';
import { AnalysisModule } from '../analysis/analysis.module.js';
import { BundleController } from './bundle.controller.js';
import { AnalysisBundleResolver, BundleResolver } from './bundle.resolver.js';
import { BundleService } from './bundle.service.js';
import { objectStoreProvider } from './object-store.provider.js';

@Module({
  imports: [AnalysisModule],
  controllers: [BundleController],
  providers: [objectStoreProvider, BundleService, BundleResolver, AnalysisBundleResolver],
  exports: [BundleService],
})
export class BundleModule {}
