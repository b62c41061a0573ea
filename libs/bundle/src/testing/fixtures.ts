import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import nodePath from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tarStream from 'tar-stream';
import type { BundleEntry, UnpackSummary } from '../bundle-types.js';
import { unpackBundle } from '../unpack-bundle.js';
import type { UnpackLimits } from '../unpack-limits.js';

/** A scratch directory under os.tmpdir(), removed by `dispose`. */
export interface Scratch {
  readonly root: string;
  file(name: string, content: Buffer | string): Promise<string>;
  path(name: string): string;
  dispose(): Promise<void>;
}

export async function createScratch(): Promise<Scratch> {
  const root = await mkdtemp(nodePath.join(tmpdir(), 'nm-bundle-'));
  return {
    root,
    path: (name) => nodePath.join(root, name),
    async file(name, content) {
      const target = nodePath.join(root, name);
      await mkdir(nodePath.dirname(target), { recursive: true });
      await writeFile(target, content);
      return target;
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

/** Whether a command-line tool is installed (tests fall back or skip without it). */
export function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Archives `names` (relative to `directory`) with the system tar; `gzip` adds -z. */
export function systemTar(directory: string, output: string, names: string[], gzip: boolean): void {
  execFileSync('tar', [gzip ? '-czf' : '-cf', output, '-C', directory, ...names], {
    stdio: 'ignore',
  });
}

/** Archives `names` (relative to `directory`) with the system zip, keeping symlinks as links. */
export function systemZip(directory: string, output: string, names: string[]): void {
  execFileSync('zip', ['-q', '-X', '-y', output, ...names], { cwd: directory, stdio: 'ignore' });
}

export type TarMemberSpec = Parameters<tarStream.Pack['entry']>[0] & {
  readonly data?: Buffer | string;
};

/** Builds a tar with tar-stream's pack, for layouts the system tar refuses to write. */
export async function buildTar(members: readonly TarMemberSpec[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const { data, ...header } of members) {
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (data === undefined) pack.entry(header, done).end(undefined);
      else pack.entry(header, data, done);
    });
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

/** Gzips `byteCount` zero bytes into `output` without ever holding them in memory. */
export async function writeZerosGzip(output: string, byteCount: number): Promise<void> {
  const chunk = Buffer.alloc(1024 * 1024);
  function* zeros() {
    for (let left = byteCount; left > 0; left -= chunk.length) {
      yield left >= chunk.length ? chunk : chunk.subarray(0, left);
    }
  }
  await pipeline(Readable.from(zeros()), createGzip({ level: 1 }), createWriteStream(output));
}

export interface CollectedEntry {
  readonly path: string;
  readonly declaredSize: number | undefined;
  readonly text: string;
  readonly bytes: number;
}

/** Unpacks and reads every entry fully; keeps the text of small entries for assertions. */
export async function collect(
  path: string,
  originalName: string,
  limits?: Partial<UnpackLimits>,
): Promise<{ summary: UnpackSummary; entries: CollectedEntry[] }> {
  const entries: CollectedEntry[] = [];
  const summary = await unpackBundle(
    { path, originalName },
    async (entry: BundleEntry) => {
      const kept: Buffer[] = [];
      let bytes = 0;
      for await (const chunk of entry.stream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes <= 64 * 1024) kept.push(chunk);
      }
      entries.push({
        path: entry.path,
        declaredSize: entry.declaredSize,
        text: Buffer.concat(kept).toString('utf8'),
        bytes,
      });
    },
    limits,
  );
  return { summary, entries };
}

/**
 * What this process has open (files, pipes, sockets), to prove that no unpack leaks a
 * descriptor. Empty where /proc is missing, which makes the check vacuous rather than wrong.
 */
export async function openDescriptors(): Promise<string[]> {
  const names = await readdir('/proc/self/fd').catch(() => []);
  const targets = await Promise.all(
    names.map((name) => readlink(`/proc/self/fd/${name}`).catch(() => undefined)),
  );
  return targets
    .filter((target): target is string => target !== undefined && target !== '/proc/self/fd')
    .sort();
}
