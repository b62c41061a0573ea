import type { SysctlSet } from '@netmortem/domain';
import { pathSegments } from './bundle-path.js';

/** One copied /proc/sys file and its text. */
export interface ProcSysValue {
  readonly path: string;
  readonly text: string;
}

export interface SynthesisedSysctl {
  /** Keys in sysctl's dotted form, values as `sysctl` would print them. */
  readonly set: SysctlSet;
  /** The same as `sysctl -a` text (`key = value` per line, sorted): what the lines point into. */
  readonly text: string;
  /** The file each key came from, for evidence pointers more precise than a line. */
  readonly sources: Readonly<Record<string, string>>;
}

// Where copies of /proc/sys/net start: Retina's `proc-sys-net/`, or a plain `proc/sys/net/`.
const ROOTS: readonly (readonly string[])[] = [['proc-sys-net'], ['proc', 'sys', 'net']];
const MAX_VALUE_CHARS = 4096;

/**
 * The sysctl key of a copied /proc/sys/net file: `…/proc-sys-net/ipv4/conf/eth0.100/rp_filter`
 * is `net.ipv4.conf.eth0/100.rp_filter` (sysctl writes dots inside a name as slashes).
 */
export function procSysKey(path: string): string | undefined {
  const segments = pathSegments(path);
  for (const root of ROOTS) {
    const at = indexOfRun(segments, root);
    if (at < 0) continue;
    const rest = segments.slice(at + root.length);
    if (rest.length === 0) return undefined;
    return ['net', ...rest.map((segment) => segment.replace(/\./g, '/'))].join('.');
  }
  return undefined;
}

/**
 * Turns one value per file into a SysctlSet, as if `sysctl -a` had printed them: what
 * Retina's copy of /proc/sys/net says, readable by everything that reads sysctls.
 * Files whose path is not under a /proc/sys/net copy are ignored.
 */
export function synthesiseSysctlSet(
  artifact: string,
  files: readonly ProcSysValue[],
): SynthesisedSysctl {
  const byKey = new Map<string, { value: string; path: string }>();
  for (const file of files) {
    const key = procSysKey(file.path);
    if (key !== undefined) byKey.set(key, { value: procValue(file.text), path: file.path });
  }
  const keys = [...byKey.keys()].sort();
  const values: Record<string, string> = {};
  const lines: Record<string, number> = {};
  const sources: Record<string, string> = {};
  const text: string[] = [];
  keys.forEach((key, index) => {
    const { value, path } = byKey.get(key)!;
    values[key] = value;
    lines[key] = index + 1;
    sources[key] = path;
    text.push(value === '' ? `${key} =` : `${key} = ${value}`);
  });
  return {
    set: { locator: { artifact }, values, lines },
    text: text.length > 0 ? `${text.join('\n')}\n` : '',
    sources,
  };
}

// sysctl prints a file's text without its final newline; multi-line values (rare under
// net/) become one line so each key keeps one line.
function procValue(text: string): string {
  const value = text
    .replace(/\0/g, '')
    .replace(/\r?\n$/, '')
    .split(/\r?\n/)
    .join(' ');
  return value.length > MAX_VALUE_CHARS ? value.slice(0, MAX_VALUE_CHARS) : value;
}

function indexOfRun(segments: readonly string[], run: readonly string[]): number {
  for (let at = 0; at + run.length <= segments.length; at++) {
    if (run.every((segment, offset) => segments[at + offset] === segment)) return at;
  }
  return -1;
}
