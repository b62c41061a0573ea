import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor } from '../../common/auth/current-actor.decorator.js';
import { RootCause } from '../root-cause/models/root-cause.model.js';
import { RootCauseService } from '../root-cause/root-cause.service.js';
import { AnalysisService } from './analysis.service.js';
import { Finding, FindingReview } from './models/finding.model.js';

@Resolver(() => Finding)
export class FindingResolver {
  constructor(
    private readonly analyses: AnalysisService,
    private readonly rootCauses: RootCauseService,
  ) {}

  @ResolveField(() => RootCause, {
    nullable: true,
    description: 'Null only if the entry was deleted.',
  })
  rootCause(@CurrentActor() actor: Actor, @Parent() finding: Finding): Promise<RootCause | null> {
    return this.rootCauses.get(actor, finding.rootCauseId);
  }

  @ResolveField(() => [FindingReview])
  reviews(@CurrentActor() actor: Actor, @Parent() finding: Finding): Promise<FindingReview[]> {
    return this.analyses.listReviews(actor, finding.id);
  }
}
