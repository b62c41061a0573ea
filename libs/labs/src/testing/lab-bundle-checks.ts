import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requirement } from '@test/support/requirement.js';
import { LAB_TOOLS, labPrerequisitesMissing, runLab } from '../reproduction/run-lab.js';
import type { LabExpectedFile } from '../reproduction/kit/lab-definition.js';

/**
 * For the labs' int-specs: run a variant on the live kernel into a scratch directory and read
 * its raw artifacts back (captures through tcpdump's own decoder, so the checks do not lean
 * on the code the matcher uses).
 */
export function labsCanRun(): boolean {
  const missing = labPrerequisitesMissing();
  return requirement(
    `root and ${LAB_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
    missing.length === 0,
  );
}

export interface RanVariant {
  readonly dir: string;
  readonly expected: LabExpectedFile;
  readonly durationMs: number;
  /** A bundle file's text ('' when the variant did not collect it). */
  read(file: string): string;
  /** `tcpdump -nn -S -r capture.pcap [filter]` lines. */
  capture(filter?: string, file?: string): string[];
  remove(): void;
}

export async function runVariant(lab: string, variant: string): Promise<RanVariant> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'nmlab-spec-'));
  const dir = path.join(scratch, variant);
  const { expected, durationMs } = await runLab(lab, { variant, outDir: dir });
  return {
    dir,
    expected,
    durationMs,
    read: (file) => {
      try {
        return readFileSync(path.join(dir, file), 'utf8');
      } catch {
        return '';
      }
    },
    capture: (filter, file = 'capture.pcap') =>
      execFileSync(
        'tcpdump',
        ['-nn', '-S', '-r', path.join(dir, file), ...(filter === undefined ? [] : [filter])],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      )
        .split('\n')
        .filter((line) => line !== ''),
    remove: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

/** Sums one counter over the per-CPU lines of `conntrack -S`. */
export function conntrackStat(stats: string, counter: string): number {
  let total = 0;
  for (const match of stats.matchAll(new RegExp(`\\b${counter}=(\\d+)`, 'g')))
    total += Number(match[1]);
  return total;
}

/** `ip:port` as tcpdump -nn prints it (`ip.port`). */
export function dotted(endpoint: string): string {
  const at = endpoint.lastIndexOf(':');
  return `${endpoint.slice(0, at)}.${endpoint.slice(at + 1)}`;
}
