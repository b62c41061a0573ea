import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor } from '../../common/auth/current-actor.decorator.js';
import { Finding } from '../analysis/models/finding.model.js';
import { EvidenceViewService } from './evidence-view.service.js';
import { NarrativeStep } from './models/narrative-step.model.js';

/**
 * The parts of a finding the rows do not keep, read from the analysis's stored match report
 * (small, immutable, cached): no migration, and analyses stored before this field existed
 * show their narrative too.
 */
@Resolver(() => Finding)
export class FindingDetailsResolver {
  constructor(private readonly view: EvidenceViewService) {}

  @ResolveField(() => [NarrativeStep], {
    description: 'The mechanism as it happened here, in time order.',
  })
  async narrative(
    @CurrentActor() actor: Actor,
    @Parent() finding: Finding,
  ): Promise<NarrativeStep[]> {
    const stored = await this.view.reportFinding(actor, finding);
    return (stored?.narrative ?? []).map((step) => ({
      time: step.time ?? null,
      text: step.text,
      evidence: step.evidence ?? null,
    }));
  }

  @ResolveField(() => [String], {
    description: 'When another cause stays close: what to collect next to tell them apart.',
  })
  async nextEvidence(@CurrentActor() actor: Actor, @Parent() finding: Finding): Promise<string[]> {
    return [...((await this.view.reportFinding(actor, finding))?.nextEvidence ?? [])];
  }

  @ResolveField(() => [String], {
    description: 'Kernel-version and sysctl reasoning that changes how to read the finding.',
  })
  async notes(@CurrentActor() actor: Actor, @Parent() finding: Finding): Promise<string[]> {
    return [...((await this.view.reportFinding(actor, finding))?.notes ?? [])];
  }
}
