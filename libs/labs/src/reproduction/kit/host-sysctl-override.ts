import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../../shell/run-command.js';
import { processIsAlive } from './lab-prefix.js';

/**
 * Some knobs exist only in the initial namespace (on this kernel nf_conntrack_max is
 * read-only inside a netns). A lab that must change one records the original value in a
 * guard file before touching it and restores it when done, on process exit too; a later run
 * restores what a killed run left behind (its guard names a dead pid).
 */
const GUARD_DIR = '/run/netmortem-labs';

interface Guard {
  key: string;
  original: string;
  pid: number;
}

/** The host's sysctl is held by another live lab. */
export class HostSysctlBusyError extends Error {
  constructor(key: string, pid: number) {
    super(`${key} is being changed by another lab (pid ${pid}); try again when it ends`);
    this.name = 'HostSysctlBusyError';
  }
}

function guardPath(key: string): string {
  return path.join(GUARD_DIR, `${key.replace(/[^\w.-]/g, '_')}.json`);
}

function readSysctl(key: string): string {
  return run(['sysctl', '-n', key]).trim();
}

function writeSysctl(key: string, value: string): void {
  run(['sysctl', '-q', '-w', `${key}=${value}`]);
}

export interface HostSysctlOverride {
  readonly key: string;
  readonly original: string;
  /** Puts the original value back; safe to call twice. */
  restore(): void;
}

/** Sets a host (initial namespace) sysctl until restore() or process exit. */
export function overrideHostSysctl(key: string, value: string | number): HostSysctlOverride {
  restoreAbandonedHostSysctls();
  const file = guardPath(key);
  try {
    const held = JSON.parse(readFileSync(file, 'utf8')) as Guard;
    if (held.pid !== process.pid) throw new HostSysctlBusyError(key, held.pid);
  } catch (error) {
    if (error instanceof HostSysctlBusyError) throw error;
    // no guard: free
  }
  const original = readSysctl(key);
  mkdirSync(GUARD_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify({ key, original, pid: process.pid } satisfies Guard));
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.removeListener('exit', restore);
    try {
      writeSysctl(key, original);
    } finally {
      rmSync(file, { force: true });
    }
  };
  process.once('exit', restore);
  try {
    writeSysctl(key, String(value));
  } catch (error) {
    restore();
    throw error;
  }
  return { key, original, restore };
}

/** Restores host sysctls whose guard names a process that no longer runs; returns their keys. */
export function restoreAbandonedHostSysctls(): string[] {
  let names: string[];
  try {
    names = readdirSync(GUARD_DIR);
  } catch {
    return [];
  }
  const restored: string[] = [];
  for (const name of names) {
    const file = path.join(GUARD_DIR, name);
    let guard: Guard;
    try {
      guard = JSON.parse(readFileSync(file, 'utf8')) as Guard;
    } catch {
      continue;
    }
    if (processIsAlive(guard.pid)) continue;
    writeSysctl(guard.key, guard.original);
    rmSync(file, { force: true });
    restored.push(guard.key);
  }
  return restored;
}
