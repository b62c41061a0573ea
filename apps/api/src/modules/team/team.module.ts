import { Module } from '@nestjs/common';
import { ApiTokenService } from './api-token.service.js';
import { TeamMemberService } from './team-member.service.js';
import { TeamResolver } from './team.resolver.js';

@Module({
  providers: [ApiTokenService, TeamMemberService, TeamResolver],
  exports: [ApiTokenService],
})
export class TeamModule {}
