import { text } from 'node:stream/consumers';
import { createGunzip } from 'node:zlib';
import { Inject, Injectable } from '@nestjs/common';
import { ArtifactRepository } from '@netmortem/db';
import { NetmortemError, type EvidenceSet } from '@netmortem/domain';
import type { CaptureSource } from '@netmortem/evidence';
import type { ObjectStore } from '@netmortem/storage';
import { OBJECT_STORE } from './object-store.provider.js';

/**
 * What the parse stage left behind for the later stages: the evidence document and the
 * bundle's captures, read back from the object store (never re-uploaded).
 */
@Injectable()
export class StoredEvidence {
  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly artifacts: ArtifactRepository,
  ) {}

  async load(analysis: {
    readonly id: string;
    readonly evidenceKey: string | null;
  }): Promise<EvidenceSet> {
    if (analysis.evidenceKey === null) {
      throw new NetmortemError(
        'EVIDENCE_MISSING',
        `analysis ${analysis.id} has no stored evidence: the parse stage has not finished`,
        { analysisId: analysis.id },
      );
    }
    const json = await text((await this.store.get(analysis.evidenceKey)).pipe(createGunzip()));
    return JSON.parse(json) as EvidenceSet;
  }

  /** The capture artifacts, opened from the object store; one the rows lack is reported. */
  async captureSources(bundleId: string, evidence: EvidenceSet): Promise<CaptureSource[]> {
    const rows = new Map(
      (await this.artifacts.listByBundle(bundleId)).map((row) => [row.path, row.storageKey]),
    );
    return evidence.captures.map((capture) => {
      const key = rows.get(capture.artifact);
      return {
        path: capture.artifact,
        open: () =>
          key === undefined
            ? Promise.reject(new Error('no stored artifact has this path'))
            : this.store.get(key),
      };
    });
  }
}
