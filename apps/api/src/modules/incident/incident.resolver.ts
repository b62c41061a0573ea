import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, RequestId } from '../../common/auth/current-actor.decorator.js';
import { SchemaPipe } from '../../common/http/schema.pipe.js';
import { AnalysisService } from '../analysis/analysis.service.js';
import { Analysis } from '../analysis/models/analysis.model.js';
import { BundleService } from '../bundle/bundle.service.js';
import { Bundle } from '../bundle/models/bundle.model.js';
import {
  CreateIncidentInput,
  IncidentFilterInput,
  UpdateIncidentInput,
} from './dto/incident.inputs.js';
import {
  commentBodySchema,
  createIncidentSchema,
  incidentFilterSchema,
  timelineBucketSchema,
  updateIncidentSchema,
  type CreateIncident,
  type IncidentFilterValues,
  type UpdateIncident,
} from './dto/incident.schemas.js';
import { IncidentService } from './incident.service.js';
import { Comment } from './models/comment.model.js';
import {
  IncidentFacets,
  IncidentRootCause,
  IncidentTimelinePoint,
  TimelineBucket,
} from './models/incident-insights.model.js';
import { Incident, IncidentConnection } from './models/incident.model.js';
import { z } from 'zod';

const pageSize = z.number().int().min(1).max(100);

@Resolver(() => Incident)
export class IncidentResolver {
  constructor(
    private readonly incidentService: IncidentService,
    private readonly bundleService: BundleService,
    private readonly analysisService: AnalysisService,
  ) {}

  @Query(() => IncidentConnection, { description: 'Newest first, 25 per page by default.' })
  incidents(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, defaultValue: 25 }, new SchemaPipe(pageSize, 'first'))
    first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args(
      'filter',
      { type: () => IncidentFilterInput, nullable: true },
      new SchemaPipe(incidentFilterSchema, 'filter'),
    )
    filter: IncidentFilterValues | null,
  ): Promise<IncidentConnection> {
    return this.incidentService.list(actor, filter ?? {}, { first, after });
  }

  @Query(() => IncidentFacets, { description: 'Counts for the history filters.' })
  incidentFacets(
    @CurrentActor() actor: Actor,
    @Args(
      'filter',
      { type: () => IncidentFilterInput, nullable: true },
      new SchemaPipe(incidentFilterSchema, 'filter'),
    )
    filter: IncidentFilterValues | null,
  ): Promise<IncidentFacets> {
    return this.incidentService.facets(actor, filter ?? {});
  }

  @Query(() => [IncidentTimelinePoint], {
    description:
      'Matching incidents per UTC day or ISO week (when they occurred, else when filed), by top root cause; oldest first.',
  })
  incidentTimeline(
    @CurrentActor() actor: Actor,
    @Args(
      'filter',
      { type: () => IncidentFilterInput, nullable: true },
      new SchemaPipe(incidentFilterSchema, 'filter'),
    )
    filter: IncidentFilterValues | null,
    @Args(
      'bucket',
      { type: () => TimelineBucket, defaultValue: TimelineBucket.DAY },
      new SchemaPipe(timelineBucketSchema, 'bucket'),
    )
    bucket: TimelineBucket,
  ): Promise<IncidentTimelinePoint[]> {
    return this.incidentService.timeline(actor, filter ?? {}, bucket);
  }

  @Query(() => Incident, { nullable: true })
  incident(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Incident | null> {
    return this.incidentService.get(actor, id);
  }

  @Mutation(() => Incident)
  createIncident(
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Args('input', { type: () => CreateIncidentInput }, new SchemaPipe(createIncidentSchema))
    input: CreateIncident,
  ): Promise<Incident> {
    return this.incidentService.create(actor, input, requestId);
  }

  @Mutation(() => Incident)
  updateIncident(
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Args('id', { type: () => ID }) id: string,
    @Args('input', { type: () => UpdateIncidentInput }, new SchemaPipe(updateIncidentSchema))
    input: UpdateIncident,
  ): Promise<Incident> {
    return this.incidentService.update(actor, id, input, requestId);
  }

  @Mutation(() => Comment)
  addComment(
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Args('incidentId', { type: () => ID }) incidentId: string,
    @Args('body', { type: () => String }, new SchemaPipe(commentBodySchema, 'body')) body: string,
  ): Promise<Comment> {
    return this.incidentService.addComment(actor, incidentId, body, requestId);
  }

  @ResolveField(() => IncidentRootCause, {
    nullable: true,
    description: 'The strongest finding over all analyses; null until something is found.',
  })
  topRootCause(
    @CurrentActor() actor: Actor,
    @Parent() incident: Incident,
  ): Promise<IncidentRootCause | null> {
    return this.incidentService.topRootCause(actor, incident);
  }

  @ResolveField(() => [Bundle])
  bundles(@CurrentActor() actor: Actor, @Parent() incident: Incident): Promise<Bundle[]> {
    return this.bundleService.listByIncident(actor, incident.id);
  }

  @ResolveField(() => [Analysis], {
    description: 'Analyses of every bundle of the incident, newest first.',
  })
  analyses(@CurrentActor() actor: Actor, @Parent() incident: Incident): Promise<Analysis[]> {
    return this.analysisService.listByIncident(actor, incident.id);
  }

  @ResolveField(() => [Comment])
  comments(@CurrentActor() actor: Actor, @Parent() incident: Incident): Promise<Comment[]> {
    return this.incidentService.listComments(actor, incident.id);
  }
}
