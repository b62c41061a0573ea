import { Inject, Injectable } from '@nestjs/common';
import { unpackBundle, type UnpackLimits } from '@netmortem/bundle';
import { ArtifactRepository, type UnpackedArtifact } from '@netmortem/db';
import type { ObjectStore } from '@netmortem/storage';
import { WORKER_CONFIG, type WorkerEnv } from '../../config/worker-config.js';
import { OBJECT_STORE } from '../object-store.provider.js';
import type { StageContext, StageHandler, StageOutcome } from '../stage-handler.js';

/**
 * Streams every entry of the uploaded bundle into the content-addressed store and records
 * one artifact row per entry. Hostile archives are refused by the unpacker (BundleError is
 * bad input, never retried); re-running the stage rewrites the same rows.
 */
@Injectable()
export class UnpackStage implements StageHandler {
  readonly stage = 'unpack' as const;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly artifacts: ArtifactRepository,
    @Inject(WORKER_CONFIG) private readonly config: WorkerEnv,
  ) {}

  async run({ analysis, log }: StageContext): Promise<StageOutcome> {
    const { bundle } = analysis;
    const local = await this.store.openLocal(bundle.storageKey);
    const unpacked: UnpackedArtifact[] = [];
    try {
      const summary = await unpackBundle(
        { path: local.path, originalName: bundle.originalName },
        async (entry) => {
          const stored = await this.store.put(entry.stream, {
            maxBytes: this.config.UNPACK_MAX_ENTRY_BYTES,
          });
          unpacked.push({
            path: entry.path,
            kind: 'unknown',
            sizeBytes: BigInt(stored.sizeBytes),
            sha256: stored.sha256,
            storageKey: stored.key,
            status: 'PENDING',
            error: null,
            errorLocator: null,
          });
        },
        this.limits(),
      );
      await this.artifacts.replaceForBundle(bundle.teamId, bundle.id, unpacked);
      log.info(
        { format: summary.format, entries: summary.entries, bytes: summary.totalBytes },
        'bundle unpacked',
      );
      const skipped = summary.skipped.length;
      return {
        state: 'done',
        note:
          `${summary.format}: ${unpacked.length} artifact(s), ${summary.totalBytes} bytes` +
          (skipped > 0
            ? `; skipped ${skipped}: ${summary.skipped.map((s) => `${s.path} (${s.reason})`).join(', ')}`
            : ''),
      };
    } finally {
      await local.release();
    }
  }

  private limits(): Partial<UnpackLimits> {
    return {
      maxEntries: this.config.UNPACK_MAX_ENTRIES,
      maxEntryBytes: this.config.UNPACK_MAX_ENTRY_BYTES,
      maxTotalBytes: this.config.UNPACK_MAX_TOTAL_BYTES,
      maxCompressionRatio: this.config.UNPACK_MAX_RATIO,
    };
  }
}
