import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { EvidenceSet, Flow } from '@netmortem/domain';
import {
  DETECTION_HEAD_BYTES,
  createEvidenceCollector,
  detectArtifactKind,
} from '@netmortem/evidence';
import { ProgressBar } from '../output/progress-bar.js';
import { localFileChunks } from './local-file-chunks.js';

export interface InspectOptions {
  readonly progress: boolean;
  /**
   * For a single capture file: receive flows as they complete rather than in the evidence,
   * so memory stays flat however long the capture (bundles keep flows to correlate them).
   */
  readonly onFlow?: (flow: Flow) => void;
  /** Awaited between reads of a single file, so the flows' consumer sets the pace. */
  readonly pace?: () => Promise<void>;
}

/**
 * Unpacks a bundle (archive, single file or directory) and reads every artifact into the
 * evidence, streaming: each entry is detected and parsed as the unpacker delivers it.
 */
export async function inspectBundle(target: string, options: InspectOptions): Promise<EvidenceSet> {
  const info = await stat(target).catch(() => {
    throw new Error(`${target}: no such file or directory`);
  });
  const single = !info.isDirectory() && (await isSingleArtifact(target));
  // A plain file is one artifact: there is no second capture to correlate with.
  const collector = createEvidenceCollector(
    single
      ? { correlateCaptures: false, ...(options.onFlow ? { onFlow: options.onFlow } : {}) }
      : {},
  );
  const bar = new ProgressBar(
    info.isDirectory() ? 0 : info.size,
    'reading',
    process.stderr,
    options.progress && info.size > 64 * 1024 ** 2,
  );
  const add = async (
    path: string,
    stream: AsyncIterable<Uint8Array>,
    sizeBytes: number,
  ): Promise<void> => {
    let seen = 0;
    await collector.add({
      path,
      sizeBytes,
      stream,
      onBytes: (bytesRead) => {
        bar.advance(bytesRead - seen);
        seen = bytesRead;
      },
    });
  };
  if (single) {
    // A plain local file needs no unpacking, only reading, as fast as the disk allows.
    await add(basename(target), localFileChunks(target, options.pace), info.size);
  } else {
    // Loaded only for archives and folders: a lone capture should start as fast as it can.
    const { unpackBundle } = await import('@netmortem/bundle');
    await unpackBundle({ path: target, originalName: basename(target) }, (entry) =>
      add(entry.path, entry.stream, entry.declaredSize ?? 0),
    );
  }
  bar.finish();
  return collector.finish();
}

/** A file that is itself an artifact (a capture, a log…), not an archive of them. */
async function isSingleArtifact(target: string): Promise<boolean> {
  const handle = await open(target, 'r');
  try {
    const head = Buffer.alloc(DETECTION_HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return detectArtifactKind(head.subarray(0, bytesRead), target).kind !== 'unknown';
  } finally {
    await handle.close();
  }
}
