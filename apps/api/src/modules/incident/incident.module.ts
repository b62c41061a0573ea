import { Module } from '@nestjs/common';
import { BundleModule } from '../bundle/bundle.module.js';
import { IncidentResolver } from './incident.resolver.js';
import { IncidentService } from './incident.service.js';

@Module({ imports: [BundleModule], providers: [IncidentService, IncidentResolver] })
export class IncidentModule {}
