import { Args, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, RequestId } from '../../common/auth/current-actor.decorator.js';
import { AnalysisService } from '../analysis/analysis.service.js';
import { Analysis } from '../analysis/models/analysis.model.js';
import { BundleService } from './bundle.service.js';
import { Artifact } from './models/artifact.model.js';
import { Bundle } from './models/bundle.model.js';

@Resolver(() => Bundle)
export class BundleResolver {
  constructor(
    private readonly bundleService: BundleService,
    private readonly analysisService: AnalysisService,
  ) {}

  @Mutation(() => Analysis, {
    description: 'Analyse stored bundle bytes again, as a new analysis.',
  })
  async reanalyzeBundle(
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Args('bundleId', { type: () => ID }) bundleId: string,
  ): Promise<Analysis> {
    const analysisId = await this.bundleService.reanalyze(actor, bundleId, requestId);
    return this.analysisService.require(actor, analysisId);
  }

  @ResolveField(() => [Artifact])
  artifacts(@CurrentActor() actor: Actor, @Parent() bundle: Bundle): Promise<Artifact[]> {
    return this.bundleService.listArtifacts(actor, bundle.id);
  }

  @ResolveField(() => [Analysis], { description: 'Oldest first.' })
  analyses(@CurrentActor() actor: Actor, @Parent() bundle: Bundle): Promise<Analysis[]> {
    return this.analysisService.listByBundle(actor, bundle.id);
  }
}

/** Analysis.bundle lives here because bundles depend on analyses, not the other way round. */
@Resolver(() => Analysis)
export class AnalysisBundleResolver {
  constructor(private readonly bundles: BundleService) {}

  @ResolveField(() => Bundle)
  async bundle(@CurrentActor() actor: Actor, @Parent() analysis: Analysis): Promise<Bundle | null> {
    return this.bundles.get(actor, analysis.bundleId);
  }
}
