import { Module } from '@nestjs/common';
import { FirstRunService } from './first-run.service.js';

@Module({ providers: [FirstRunService] })
export class FirstRunModule {}
