import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor } from '../../common/auth/current-actor.decorator.js';
import { RootCause } from './models/root-cause.model.js';
import { RootCauseMatches, RootCauseReviewRecord } from './models/root-cause-record.model.js';
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

  @ResolveField(() => RootCauseMatches, {
    description: 'Incidents of your team in which this cause was found, newest first.',
  })
  matches(
    @CurrentActor() actor: Actor,
    @Parent() rootCause: RootCause,
    @Args('first', { type: () => Int, defaultValue: 5, description: 'At most 50.' })
    first: number,
  ): Promise<RootCauseMatches> {
    return this.rootCauseService.matches(actor, rootCause.id, first);
  }

  @ResolveField(() => RootCauseReviewRecord, {
    description: 'How your team’s reviewers judged its findings.',
  })
  reviewRecord(
    @CurrentActor() actor: Actor,
    @Parent() rootCause: RootCause,
  ): Promise<RootCauseReviewRecord> {
    return this.rootCauseService.reviewRecord(actor, rootCause.id);
  }
}
