import { Args, Field, ID, InputType, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, RequestId } from '../../common/auth/current-actor.decorator.js';
import { SchemaPipe } from '../../common/http/schema.pipe.js';
import { TeamRole } from '../../graphql/enums.js';
import { ApiTokenService } from './api-token.service.js';
import { ApiToken, CreatedApiToken } from './models/api-token.model.js';
import { Me } from './models/me.model.js';
import { TeamMember } from './models/team-member.model.js';
import { TeamMemberService } from './team-member.service.js';

@InputType()
export class CreateApiTokenInput {
  @Field(() => String, { description: 'What the token is for, e.g. "ci-infra-repo".' })
  name!: string;

  @Field(() => TeamRole, { nullable: true, defaultValue: TeamRole.MEMBER })
  role?: TeamRole | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Expire after this many days; never when omitted.',
  })
  expiresInDays?: number | null;
}

const createApiTokenSchema = z.object({
  name: z.string().trim().min(1).max(100),
  role: z
    .enum(['ADMIN', 'MEMBER'])
    .nullish()
    .transform((role) => role ?? 'MEMBER'),
  expiresInDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .nullish()
    .transform((days) => days ?? null),
});

@Resolver()
export class TeamResolver {
  constructor(
    private readonly tokens: ApiTokenService,
    private readonly members: TeamMemberService,
  ) {}

  @Query(() => Me)
  me(@CurrentActor() actor: Actor): Me {
    return {
      id: actor.id,
      kind: actor.kind,
      name: actor.displayName,
      role: actor.role,
      team: { id: actor.teamId, name: actor.teamName },
    };
  }

  @Query(() => [TeamMember], { description: "The caller's team, oldest member first." })
  teamMembers(@CurrentActor() actor: Actor): Promise<TeamMember[]> {
    return this.members.list(actor);
  }

  @Query(() => [ApiToken], {
    description: "The team's API tokens, newest first (secrets are never shown).",
  })
  apiTokens(@CurrentActor() actor: Actor): Promise<ApiToken[]> {
    return this.tokens.list(actor);
  }

  @Mutation(() => CreatedApiToken)
  createApiToken(
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Args('input', { type: () => CreateApiTokenInput }, new SchemaPipe(createApiTokenSchema))
    input: z.infer<typeof createApiTokenSchema>,
  ): Promise<CreatedApiToken> {
    return this.tokens.create(actor, input, requestId);
  }

  @Mutation(() => ApiToken)
  revokeApiToken(
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ApiToken> {
    return this.tokens.revoke(actor, id, requestId);
  }
}
