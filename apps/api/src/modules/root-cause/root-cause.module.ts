import { Module } from '@nestjs/common';
import { RootCauseResolver } from './root-cause.resolver.js';
import { RootCauseService } from './root-cause.service.js';

@Module({ providers: [RootCauseService, RootCauseResolver], exports: [RootCauseService] })
export class RootCauseModule {}
