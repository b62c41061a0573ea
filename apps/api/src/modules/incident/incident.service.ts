import { Injectable } from '@nestjs/common';
import {
  CommentRepository,
  IncidentRepository,
  type IncidentFilter,
  type TimelineBucket,
} from '@netmortem/db';
import { actorRef, type Actor } from '../../common/auth/actor.js';
import { notFound } from '../../common/errors/app.error.js';
import { AuditService } from '../audit/audit.service.js';
import type {
  CreateIncident,
  IncidentFilterValues,
  UpdateIncident,
} from './dto/incident.schemas.js';
import { toComment, toIncident } from './incident.mapper.js';
import type { Comment } from './models/comment.model.js';
import type {
  IncidentFacets,
  IncidentRootCause,
  IncidentTimelinePoint,
} from './models/incident-insights.model.js';
import type { Incident, IncidentConnection } from './models/incident.model.js';

@Injectable()
export class IncidentService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly comments: CommentRepository,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, input: CreateIncident, requestId: string): Promise<Incident> {
    const row = await this.incidents.create({
      ...input,
      teamId: actor.teamId,
      createdBy: actorRef(actor),
    });
    await this.audit.record(actor, 'incident.create', { type: 'incident', id: row.id }, requestId);
    return toIncident(row);
  }

  async update(
    actor: Actor,
    id: string,
    changes: UpdateIncident,
    requestId: string,
  ): Promise<Incident> {
    const row = await this.incidents.update(actor.teamId, id, changes, new Date());
    if (!row) throw notFound('incident', id);
    await this.audit.record(actor, 'incident.update', { type: 'incident', id }, requestId, {
      changed: Object.keys(changes).filter(
        (key) => changes[key as keyof UpdateIncident] !== undefined,
      ),
    });
    return toIncident(row);
  }

  async get(actor: Actor, id: string): Promise<Incident | null> {
    const row = await this.incidents.findInTeam(actor.teamId, id);
    return row ? toIncident(row) : null;
  }

  async require(actor: Actor, id: string): Promise<Incident> {
    const incident = await this.get(actor, id);
    if (!incident) throw notFound('incident', id);
    return incident;
  }

  async list(
    actor: Actor,
    filter: IncidentFilterValues,
    page: { first: number; after?: string | null },
  ): Promise<IncidentConnection> {
    const result = await this.incidents.list(actor.teamId, toRepositoryFilter(filter), {
      first: page.first,
      ...(page.after ? { after: page.after } : {}),
    });
    const tops = await this.incidents.topRootCauses(
      actor.teamId,
      result.items.map((row) => row.id),
    );
    const topByIncident = new Map(tops.map((top) => [top.incidentId, top]));
    return {
      nodes: result.items.map((row) => {
        const top = topByIncident.get(row.id);
        return { ...toIncident(row), preloadedTopRootCause: top ? toRootCause(top) : null };
      }),
      pageInfo: { endCursor: result.endCursor, hasNextPage: result.hasNextPage },
    };
  }

  /** The incident's strongest finding; lists preload it for the whole page in one query. */
  async topRootCause(actor: Actor, incident: Incident): Promise<IncidentRootCause | null> {
    if (incident.preloadedTopRootCause !== undefined) return incident.preloadedTopRootCause;
    const [top] = await this.incidents.topRootCauses(actor.teamId, [incident.id]);
    return top ? toRootCause(top) : null;
  }

  async facets(actor: Actor, filter: IncidentFilterValues): Promise<IncidentFacets> {
    const facets = await this.incidents.facets(actor.teamId, toRepositoryFilter(filter));
    return {
      total: facets.total,
      rootCauses: facets.rootCauses.map((row) => ({
        rootCauseId: row.slug,
        title: row.title,
        count: row.count,
      })),
      statuses: [...facets.statuses],
      severities: [...facets.severities],
    };
  }

  async timeline(
    actor: Actor,
    filter: IncidentFilterValues,
    bucket: TimelineBucket,
  ): Promise<IncidentTimelinePoint[]> {
    const points = await this.incidents.timeline(actor.teamId, toRepositoryFilter(filter), bucket);
    return points.map((point) => ({
      start: point.start,
      rootCauseId: point.slug,
      count: point.count,
    }));
  }

  async addComment(
    actor: Actor,
    incidentId: string,
    body: string,
    requestId: string,
  ): Promise<Comment> {
    await this.require(actor, incidentId);
    const row = await this.comments.create({
      teamId: actor.teamId,
      incidentId,
      author: actorRef(actor),
      body,
    });
    await this.audit.record(actor, 'comment.create', { type: 'comment', id: row.id }, requestId, {
      incidentId,
    });
    return toComment(row);
  }

  async listComments(actor: Actor, incidentId: string): Promise<Comment[]> {
    return (await this.comments.listByIncident(actor.teamId, incidentId)).map(toComment);
  }
}

/** GraphQL's nullable fields become absent keys: the repository reads "not given" as "any". */
function toRepositoryFilter(filter: IncidentFilterValues): IncidentFilter {
  return {
    ...(filter.statuses ? { statuses: filter.statuses } : {}),
    ...(filter.severities ? { severities: filter.severities } : {}),
    ...(filter.rootCause ? { rootCause: filter.rootCause } : {}),
    ...(filter.labels ? { labels: filter.labels } : {}),
    ...(filter.occurredFrom ? { occurredFrom: filter.occurredFrom } : {}),
    ...(filter.occurredTo ? { occurredTo: filter.occurredTo } : {}),
    ...(filter.text ? { text: filter.text } : {}),
    ...(filter.search ? { search: filter.search } : {}),
  };
}

function toRootCause(top: {
  slug: string;
  title: string | null;
  confidence: number;
}): IncidentRootCause {
  return { rootCauseId: top.slug, title: top.title, confidence: top.confidence };
}
