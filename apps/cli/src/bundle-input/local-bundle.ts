import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DETECTION_HEAD_BYTES, detectArtifactKind } from '@netmortem/evidence';

export interface BundleFile {
  /** Posix path inside the bundle. */
  readonly relative: string;
  readonly absolute: string;
  readonly size: number;
}

export interface OpenedBundle {
  readonly files: readonly BundleFile[];
  /** A lone artifact given on its own, not a folder or an archive of them. */
  readonly single: boolean;
  /** Removes whatever was unpacked. */
  close(): Promise<void>;
}

/**
 * The files of a bundle on disk, whatever form it came in: a folder as it is, a lone
 * artifact (a capture, a log) as a one-file bundle, an archive unpacked (safely, by
 * libs/bundle, as `netmortem inspect` does) into a temporary folder.
 */
export async function openBundle(target: string, scratchPrefix: string): Promise<OpenedBundle> {
  const info = await stat(target).catch(() => {
    throw new Error(`${target}: no such file or directory`);
  });
  if (info.isDirectory())
    return { files: await listFiles(target), single: false, close: () => Promise.resolve() };
  if (await isSingleArtifact(target)) {
    return {
      files: [{ relative: path.basename(target), absolute: target, size: info.size }],
      single: true,
      close: () => Promise.resolve(),
    };
  }
  const scratch = await mkdtemp(path.join(tmpdir(), scratchPrefix));
  try {
    // Loaded only for archives: a lone capture should start as fast as it can.
    const { unpackBundle } = await import('@netmortem/bundle');
    await unpackBundle({ path: target, originalName: path.basename(target) }, async (entry) => {
      const destination = path.join(scratch, ...entry.path.split('/'));
      await mkdir(path.dirname(destination), { recursive: true });
      await pipeline(entry.stream, createWriteStream(destination, { flags: 'wx' }));
    });
    return {
      files: await listFiles(scratch),
      single: false,
      close: () => rm(scratch, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}

async function listFiles(root: string, prefix = ''): Promise<BundleFile[]> {
  const entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const files: BundleFile[] = [];
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
  const head = await readHead(target);
  return detectArtifactKind(head, target).kind !== 'unknown';
}

export async function readHead(file: string, bytes = DETECTION_HEAD_BYTES): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
