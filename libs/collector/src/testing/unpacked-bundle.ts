import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A collector archive unpacked with the system tar, as an engineer would. */
export interface UnpackedBundle {
  /** The archive's single top-level folder. */
  readonly folder: string;
  readonly files: ReadonlyMap<string, Buffer>;
  remove(): void;
}

export function unpackBundle(archive: string): UnpackedBundle {
  const into = mkdtempSync(join(tmpdir(), 'nmcol-unpacked-'));
  execFileSync('tar', ['-xzf', archive, '-C', into]);
  const top = readdirSync(into);
  if (top.length !== 1)
    throw new Error(`expected one folder in the archive, found ${top.join(', ')}`);
  const folder = top[0]!;
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(join(into, folder))) {
    files.set(name, readFileSync(join(into, folder, name)));
  }
  return { folder, files, remove: () => rmSync(into, { recursive: true, force: true }) };
}
