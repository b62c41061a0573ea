import { randomBytes } from 'node:crypto';
import { run } from '../../shell/run-command.js';

/**
 * Lab namespaces are named `nmlab-p<pid>-<tag>-<role>`: the pid of the process that made them
 * lets a later run tell a stale namespace (its owner is gone) from one another lab running at
 * the same time still uses, so a sweep never pulls the ground from under a live lab.
 */
const OWNED_NAME = /^nmlab-p(\d+)-[a-z0-9]+(?:-|$)/;

/** A fresh prefix owned by this process. */
export function newLabPrefix(): string {
  return `nmlab-p${process.pid}-${randomBytes(2).toString('hex')}`;
}

/** Whether `name` is a lab namespace whose owning process no longer runs. */
export function isStaleLabNamespace(name: string, isAlive: (pid: number) => boolean): boolean {
  const owner = OWNED_NAME.exec(name);
  if (!owner) return false;
  return !isAlive(Number(owner[1]));
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Parses `ip netns list` ("name (id: 3)" lines). */
export function parseNamespaceList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');
}

/** Deletes lab namespaces left behind by crashed runs; returns their names. */
export function sweepStaleLabNamespaces(): string[] {
  const stale = parseNamespaceList(run(['ip', 'netns', 'list'])).filter((name) =>
    isStaleLabNamespace(name, processIsAlive),
  );
  for (const name of stale) {
    try {
      run(['ip', 'netns', 'del', name]);
    } catch {
      // deleted by someone else meanwhile
    }
  }
  return stale;
}
