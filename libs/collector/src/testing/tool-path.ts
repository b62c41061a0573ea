import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the script itself needs to run and pack: present on any node or debug image. */
export const BASE_TOOLS = [
  'awk',
  'cat',
  'cut',
  'date',
  'dirname',
  'grep',
  'gzip',
  'head',
  'id',
  'ls',
  'mkdir',
  'mktemp',
  'mv',
  'readlink',
  'rm',
  'sed',
  'sleep',
  'tail',
  'tar',
  'timeout',
  'tr',
  'uname',
  'wc',
];

/**
 * A directory of links to only the named tools, to be the whole search path of a run
 * (NETMORTEM_COLLECT_PATH): how a node or a slim debug image without conntrack, tcpdump or
 * nft looks to the script.
 */
export function toolPath(tools: readonly string[]): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'nmcol-path-'));
  for (const tool of tools) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
    const target = found.stdout.trim();
    if (found.status === 0 && target.startsWith('/')) symlinkSync(target, join(path, tool));
  }
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
