import path from 'node:path';
import type { EvidenceSet, Flow } from '@netmortem/domain';
import {
  collectBundleEvidence,
  createEvidenceCollector,
  type BundleArtifact,
} from '@netmortem/evidence';
import { openBundle, type BundleFile } from '../bundle-input/local-bundle.js';
import { ProgressBar } from '../output/progress-bar.js';
import { localFileChunks } from '../bundle-input/local-file-chunks.js';

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
 * Reads a bundle into the evidence. A lone artifact (a capture, a log) is streamed straight
 * through; a folder is read as a whole bundle, so known layouts (Retina, the collector)
 * apply; an archive is first unpacked (safely, by libs/bundle) into a temporary folder.
 */
export async function inspectBundle(target: string, options: InspectOptions): Promise<EvidenceSet> {
  const bundle = await openBundle(target, 'netmortem-inspect-');
  try {
    const [first] = bundle.files;
    if (bundle.single && first) return await inspectFile(first.absolute, first.size, options);
    return await inspectFiles(bundle.files, target, options);
  } finally {
    await bundle.close();
  }
}

async function inspectFile(
  target: string,
  size: number,
  options: InspectOptions,
): Promise<EvidenceSet> {
  // One artifact: nothing to correlate its flows with.
  const collector = createEvidenceCollector({
    correlateCaptures: false,
    ...(options.onFlow ? { onFlow: options.onFlow } : {}),
  });
  const bar = new ProgressBar(
    size,
    'reading',
    process.stderr,
    options.progress && size > 64 * 1024 ** 2,
  );
  let seen = 0;
  await collector.add({
    path: path.basename(target),
    sizeBytes: size,
    stream: localFileChunks(target, options.pace),
    onBytes: (bytesRead) => {
      bar.advance(bytesRead - seen);
      seen = bytesRead;
    },
  });
  bar.finish();
  return collector.finish();
}

async function inspectFiles(
  files: readonly BundleFile[],
  label: string,
  options: InspectOptions,
): Promise<EvidenceSet> {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const bar = new ProgressBar(
    total,
    'reading',
    process.stderr,
    options.progress && total > 64 * 1024 ** 2,
  );
  const artifacts: BundleArtifact[] = files.map((file) => ({
    path: file.relative,
    sizeBytes: file.size,
    open: () => Promise.resolve(counted(localFileChunks(file.absolute), bar)),
  }));
  if (artifacts.length === 0) throw new Error(`${label}: the bundle holds no files`);
  const evidence = await collectBundleEvidence(artifacts);
  bar.finish();
  return evidence;
}

async function* counted(
  chunks: AsyncIterable<Uint8Array>,
  bar: ProgressBar,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    bar.advance(chunk.length);
    yield chunk;
  }
}
