import { Injectable } from '@nestjs/common';
import {
  AnalysisRepository,
  FindingRepository,
  ReviewRepository,
  type ReviewVerdict,
} from '@netmortem/db';
import { actorRef, type Actor } from '../../common/auth/actor.js';
import { notFound } from '../../common/errors/app.error.js';
import { AuditService } from '../audit/audit.service.js';
import { toAnalysis, toFinding, toReview } from './analysis.mapper.js';
import type { Analysis } from './models/analysis.model.js';
import type { Finding, FindingReview } from './models/finding.model.js';

@Injectable()
export class AnalysisService {
  constructor(
    private readonly analyses: AnalysisRepository,
    private readonly findings: FindingRepository,
    private readonly reviews: ReviewRepository,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Actor, id: string): Promise<Analysis | null> {
    const row = await this.analyses.findInTeam(actor.teamId, id);
    return row ? toAnalysis(row) : null;
  }

  async require(actor: Actor, id: string): Promise<Analysis> {
    const analysis = await this.get(actor, id);
    if (!analysis) throw notFound('analysis', id);
    return analysis;
  }

  async listByBundle(actor: Actor, bundleId: string): Promise<Analysis[]> {
    return (await this.analyses.listByBundle(actor.teamId, bundleId)).map(toAnalysis);
  }

  async listByIncident(actor: Actor, incidentId: string): Promise<Analysis[]> {
    return (await this.analyses.listByIncident(actor.teamId, incidentId)).map(toAnalysis);
  }

  async listFindings(actor: Actor, analysisId: string): Promise<Finding[]> {
    return (await this.findings.listByAnalysis(actor.teamId, analysisId)).map(toFinding);
  }

  async review(
    actor: Actor,
    findingId: string,
    verdict: ReviewVerdict,
    note: string,
    requestId: string,
  ): Promise<FindingReview> {
    if (!(await this.findings.findInTeam(actor.teamId, findingId)))
      throw notFound('finding', findingId);
    const row = await this.reviews.upsert({
      teamId: actor.teamId,
      findingId,
      reviewer: actorRef(actor),
      verdict,
      note,
    });
    await this.audit.record(
      actor,
      'finding.review',
      { type: 'finding', id: findingId },
      requestId,
      { verdict },
    );
    return toReview(row);
  }

  async findingInTeam(actor: Actor, findingId: string): Promise<Finding> {
    const row = await this.findings.findInTeam(actor.teamId, findingId);
    if (!row) throw notFound('finding', findingId);
    return toFinding(row);
  }

  async listReviews(actor: Actor, findingId: string): Promise<FindingReview[]> {
    return (await this.reviews.listByFinding(actor.teamId, findingId)).map(toReview);
  }
}
