import { Inject, Injectable } from '@nestjs/common';
import { ArtifactRepository } from '@netmortem/db';
import { DETECTION_HEAD_BYTES, detectArtifactKind } from '@netmortem/evidence';
import type { ObjectStore } from '@netmortem/storage';
import { OBJECT_STORE } from '../object-store.provider.js';
import { readHead } from '../read-head.js';
import type { StageContext, StageHandler, StageOutcome } from '../stage-handler.js';

/** Decides each artifact's kind from its first bytes; names are only a tie-break. */
@Injectable()
export class DetectStage implements StageHandler {
  readonly stage = 'detect' as const;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly artifacts: ArtifactRepository,
  ) {}

  async run({ analysis, log }: StageContext): Promise<StageOutcome> {
    const rows = await this.artifacts.listByBundle(analysis.bundleId);
    const counts = new Map<string, number>();
    for (const artifact of rows) {
      const head = await readHead(await this.store.get(artifact.storageKey), DETECTION_HEAD_BYTES);
      const detection = detectArtifactKind(head, artifact.path);
      await this.artifacts.updateDetection(artifact.id, detection.kind, 'DETECTED');
      counts.set(detection.kind, (counts.get(detection.kind) ?? 0) + 1);
      log.debug({ path: artifact.path, ...detection }, 'artifact kind detected');
    }
    const summary = [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ');
    return { state: 'done', note: rows.length > 0 ? summary : 'no artifacts' };
  }
}
