import { Module } from '@nestjs/common';
import { AnalysisModule } from '../analysis/analysis.module.js';
import { BundleModule } from '../bundle/bundle.module.js';
import { IncidentResolver } from './incident.resolver.js';
import { IncidentService } from './incident.service.js';

@Module({ imports: [BundleModule, AnalysisModule], providers: [IncidentService, IncidentResolver] })
export class IncidentModule {}
