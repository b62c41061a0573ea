import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import {
  AnalysisRepository,
  ArtifactRepository,
  BundleRepository,
  IncidentRepository,
} from '@netmortem/db';
import type { ObjectStore, StoredObject } from '@netmortem/storage';
import { actorRef, type Actor } from '../../common/auth/actor.js';
import { notFound } from '../../common/errors/app.error.js';
import { AuditService } from '../audit/audit.service.js';
import { AnalysisQueue } from '../queue/analysis-queue.service.js';
import { toArtifact, toBundle } from './bundle.mapper.js';
import type { Artifact } from './models/artifact.model.js';
import type { Bundle } from './models/bundle.model.js';
import { OBJECT_STORE } from './object-store.provider.js';

export interface UploadResult {
  readonly bundleId: string;
  readonly analysisId: string | null;
  readonly duplicate: boolean;
  /** Other incidents of the team that already hold these exact bytes. */
  readonly sameContentIn: readonly { bundleId: string; incidentId: string }[];
}

@Injectable()
export class BundleService {
  constructor(
    private readonly bundles: BundleRepository,
    private readonly artifacts: ArtifactRepository,
    private readonly analyses: AnalysisRepository,
    private readonly incidents: IncidentRepository,
    private readonly queue: AnalysisQueue,
    private readonly audit: AuditService,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  /** Checked before the upload body is read, so a wrong id costs no bytes. */
  async assertIncidentInTeam(actor: Actor, incidentId: string): Promise<void> {
    if (!(await this.incidents.findInTeam(actor.teamId, incidentId)))
      throw notFound('incident', incidentId);
  }

  /** Streams bytes into the store; nothing is recorded until the whole body arrived. */
  storeUpload(source: Readable, maxBytes: number): Promise<StoredObject> {
    return this.store.put(source, { maxBytes });
  }

  /**
   * Records the stored bytes as a bundle of the incident and queues its analysis. The same
   * bytes sent to the same incident again return the existing bundle instead.
   */
  async register(
    actor: Actor,
    incidentId: string,
    stored: StoredObject,
    originalName: string,
    requestId: string,
  ): Promise<UploadResult> {
    const registration = await this.bundles.register(
      {
        teamId: actor.teamId,
        incidentId,
        sha256: stored.sha256,
        sizeBytes: BigInt(stored.sizeBytes),
        originalName,
        storageKey: stored.key,
        uploadedBy: actorRef(actor),
      },
      requestId,
    );
    const { bundle } = registration;
    const sameContentIn = (
      await this.bundles.findSameContent(actor.teamId, stored.sha256, bundle.id)
    ).map((other) => ({ bundleId: other.id, incidentId: other.incidentId }));
    if (registration.duplicate) {
      return {
        bundleId: bundle.id,
        analysisId: registration.analysis?.id ?? null,
        duplicate: true,
        sameContentIn,
      };
    }
    const { analysis } = registration;
    await this.audit.record(actor, 'bundle.upload', { type: 'bundle', id: bundle.id }, requestId, {
      incidentId,
      sha256: stored.sha256,
      sizeBytes: stored.sizeBytes,
    });
    await this.enqueueOrFail(analysis.id, bundle.id, actor.teamId, requestId);
    return { bundleId: bundle.id, analysisId: analysis.id, duplicate: false, sameContentIn };
  }

  /** A fresh analysis of stored bytes, e.g. after the catalogue or the parsers improved. */
  async reanalyze(actor: Actor, bundleId: string, requestId: string): Promise<string> {
    const bundle = await this.bundles.findInTeam(actor.teamId, bundleId);
    if (!bundle) throw notFound('bundle', bundleId);
    const analysis = await this.analyses.createQueued({
      teamId: actor.teamId,
      bundleId,
      requestId,
    });
    await this.audit.record(
      actor,
      'bundle.reanalyze',
      { type: 'bundle', id: bundleId },
      requestId,
      {
        analysisId: analysis.id,
      },
    );
    await this.enqueueOrFail(analysis.id, bundleId, actor.teamId, requestId);
    return analysis.id;
  }

  async get(actor: Actor, bundleId: string): Promise<Bundle | null> {
    const row = await this.bundles.findInTeam(actor.teamId, bundleId);
    return row ? toBundle(row) : null;
  }

  async listByIncident(actor: Actor, incidentId: string): Promise<Bundle[]> {
    return (await this.bundles.listByIncident(actor.teamId, incidentId)).map(toBundle);
  }

  async listArtifacts(actor: Actor, bundleId: string): Promise<Artifact[]> {
    return (await this.artifacts.listByBundleInTeam(actor.teamId, bundleId)).map(toArtifact);
  }

  async openDownload(
    actor: Actor,
    bundleId: string,
  ): Promise<{ bundle: Bundle; stream: Readable }> {
    const row = await this.bundles.findInTeam(actor.teamId, bundleId);
    if (!row) throw notFound('bundle', bundleId);
    return { bundle: toBundle(row), stream: await this.store.get(row.storageKey) };
  }

  private async enqueueOrFail(
    analysisId: string,
    bundleId: string,
    teamId: string,
    requestId: string,
  ): Promise<void> {
    try {
      await this.queue.enqueue({ analysisId, bundleId, teamId, requestId });
    } catch (error) {
      await this.analyses.fail(
        analysisId,
        {
          code: 'QUEUE_UNAVAILABLE',
          message: 'the queue backend was unreachable; reanalyze the bundle',
        },
        new Date(),
      );
      throw error;
    }
  }
}
