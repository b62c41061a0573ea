import { Module } from '@nestjs/common';
import { CollectorController } from './collector.controller.js';

@Module({ controllers: [CollectorController] })
export class CollectorModule {}
