import {
  Args,
  ID,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { z } from 'zod';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, RequestId } from '../../common/auth/current-actor.decorator.js';
import { SchemaPipe } from '../../common/http/schema.pipe.js';
import { ReviewVerdict } from '../../graphql/enums.js';
import { AnalysisProgressHub } from './analysis-progress.hub.js';
import { AnalysisService } from './analysis.service.js';
import { Analysis, AnalysisProgress } from './models/analysis.model.js';
import { Finding } from './models/finding.model.js';
import { progressStream } from './progress-stream.js';

const noteSchema = z
  .string()
  .max(5000)
  .nullish()
  .transform((note) => note ?? '');

@Resolver(() => Analysis)
export class AnalysisResolver {
  constructor(
    private readonly analyses: AnalysisService,
    private readonly hub: AnalysisProgressHub,
  ) {}

  @Query(() => Analysis, { nullable: true })
  analysis(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Analysis | null> {
    return this.analyses.get(actor, id);
  }

  @ResolveField(() => [Finding], { description: 'Highest confidence first.' })
  findings(@CurrentActor() actor: Actor, @Parent() analysis: Analysis): Promise<Finding[]> {
    return this.analyses.listFindings(actor, analysis.id);
  }

  @Mutation(() => Finding, {
    description: 'Confirm or reject a finding; reviewing again replaces your earlier verdict.',
  })
  async reviewFinding(
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Args('findingId', { type: () => ID }) findingId: string,
    @Args('verdict', { type: () => ReviewVerdict }) verdict: ReviewVerdict,
    @Args('note', { type: () => String, nullable: true }, new SchemaPipe(noteSchema, 'note'))
    note: string,
  ): Promise<Finding> {
    await this.analyses.review(actor, findingId, verdict, note, requestId);
    return this.analyses.findingInTeam(actor, findingId);
  }

  @Subscription(() => AnalysisProgress, {
    description: 'The analysis state now, then every change until it succeeds or fails.',
  })
  async analysisProgress(
    @CurrentActor() actor: Actor,
    @Args('analysisId', { type: () => ID }) analysisId: string,
  ): Promise<AsyncGenerator<{ analysisProgress: AnalysisProgress }>> {
    // Subscribe before reading the snapshot, so no change can fall between the two.
    const live = this.hub.subscribe(analysisId);
    try {
      const current = await this.analyses.require(actor, analysisId);
      return progressStream(
        {
          analysisId: current.id,
          status: current.status,
          stage: current.stage,
          progress: current.progress,
          error: current.error,
        },
        live as AsyncIterableIterator<AnalysisProgress>,
      );
    } catch (error) {
      await live.return?.();
      throw error;
    }
  }
}
