import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor } from '../../common/auth/current-actor.decorator.js';
import { RootCause } from './models/root-cause.model.js';
import { RootCauseService } from './root-cause.service.js';

@Resolver(() => RootCause)
export class RootCauseResolver {
  constructor(private readonly rootCauseService: RootCauseService) {}

  @Query(() => [RootCause], { description: 'The built-in catalogue plus the team’s own entries.' })
  rootCauses(@CurrentActor() actor: Actor): Promise<RootCause[]> {
    return this.rootCauseService.list(actor);
  }

  @Query(() => RootCause, { nullable: true })
  rootCause(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<RootCause | null> {
    return this.rootCauseService.get(actor, id);
  }
}
