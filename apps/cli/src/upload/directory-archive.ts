import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tarStream from 'tar-stream';

/**
 * A directory as a streamed .tar.gz (regular files only, sorted, relative paths), so a
 * folder of hand-gathered evidence uploads like any bundle without a temporary archive.
 */
export function archiveDirectory(
  root: string,
  exclude: (relative: string) => boolean = () => false,
): Readable {
  const pack = tarStream.pack();
  const output = new PassThrough();
  void (async () => {
    try {
      for (const relative of await listFiles(root)) {
        if (exclude(relative)) continue;
        const absolute = path.join(root, relative);
        const { size, mtime } = await lstat(absolute);
        const entry = pack.entry({
          name: relative.split(path.sep).join('/'),
          size,
          mtime,
          mode: 0o644,
        });
        await pipeline(createReadStream(absolute), entry);
      }
      pack.finalize();
    } catch (error) {
      pack.destroy(error as Error);
    }
  })();
  pipeline(pack, createGzip(), output).catch((error: unknown) => output.destroy(error as Error));
  return output;
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}
