import { Module } from '@nestjs/common';
import { ApiTokenService } from './api-token.service.js';
import { TeamResolver } from './team.resolver.js';

@Module({ providers: [ApiTokenService, TeamResolver], exports: [ApiTokenService] })
export class TeamModule {}
