import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { EvidenceSet, Flow } from '@netmortem/domain';
import {
  DETECTION_HEAD_BYTES,
  collectBundleEvidence,
  createEvidenceCollector,
  detectArtifactKind,
  type BundleArtifact,
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
 * Reads a bundle into the evidence. A lone artifact (a capture, a log) is streamed straight
 * through; a folder is read as a whole bundle, so known layouts (Retina, the collector)
 * apply; an archive is first unpacked (safely, by libs/bundle) into a temporary folder.
 */
export async function inspectBundle(target: string, options: InspectOptions): Promise<EvidenceSet> {
  const info = await stat(target).catch(() => {
    throw new Error(`${target}: no such file or directory`);
  });
  if (info.isDirectory()) return inspectFolder(target, target, options);
  if (await isSingleArtifact(target)) return inspectFile(target, info.size, options);
  const scratch = await mkdtemp(path.join(tmpdir(), 'netmortem-inspect-'));
  try {
    // Loaded only for archives: a lone capture should start as fast as it can.
    const { unpackBundle } = await import('@netmortem/bundle');
    await unpackBundle({ path: target, originalName: path.basename(target) }, async (entry) => {
      const destination = path.join(scratch, ...entry.path.split('/'));
      await mkdir(path.dirname(destination), { recursive: true });
      await pipeline(entry.stream, createWriteStream(destination, { flags: 'wx' }));
    });
    return await inspectFolder(scratch, target, options);
  } finally {
    await rm(scratch, { recursive: true, force: true });
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

async function inspectFolder(
  folder: string,
  label: string,
  options: InspectOptions,
): Promise<EvidenceSet> {
  const files = await listFiles(folder);
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

async function listFiles(
  root: string,
  prefix = '',
): Promise<{ relative: string; absolute: string; size: number }[]> {
  const entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const files: { relative: string; absolute: string; size: number }[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    const absolute = path.join(root, relative);
    if (entry.isDirectory()) files.push(...(await listFiles(root, relative)));
    else if (entry.isFile()) files.push({ relative, absolute, size: (await stat(absolute)).size });
  }
  return files;
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
