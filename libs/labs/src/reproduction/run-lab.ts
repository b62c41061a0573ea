import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hasProgram, run } from '../shell/run-command.js';
import type { LabDefinition, LabExpectedFile, LabVariant } from './kit/lab-definition.js';
import { restoreAbandonedHostSysctls } from './kit/host-sysctl-override.js';
import { newLabPrefix, parseNamespaceList, sweepStaleLabNamespaces } from './kit/lab-prefix.js';
import { LAB_DEFINITIONS } from './labs/index.js';

/** Tools every lab relies on; a lab may need more and says so when it fails. */
export const LAB_TOOLS = [
  'ip',
  'iptables-restore',
  'iptables-save',
  'conntrack',
  'tcpdump',
  'ss',
  'nstat',
  'sysctl',
  'dmesg',
] as const;

/** No lab, no such variant, or a machine that cannot run labs. */
export class LabRunError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabRunError';
  }
}

export interface RunLabOptions {
  /** A variant id; the lab's first variant when absent. */
  variant?: string;
  /** Bundle directory; created, and must be empty if it exists. */
  outDir: string;
  log?: (line: string) => void;
}

export interface LabRunResult {
  bundleDir: string;
  expected: LabExpectedFile;
  durationMs: number;
}

export function listLabs(): readonly LabDefinition[] {
  return LAB_DEFINITIONS;
}

export function findLab(id: string): LabDefinition | undefined {
  return LAB_DEFINITIONS.find((lab) => lab.id === id);
}

/** What this machine lacks to run labs (root, tools); empty when it can. */
export function labPrerequisitesMissing(): string[] {
  const missing: string[] = LAB_TOOLS.filter((tool) => !hasProgram(tool));
  if (process.getuid?.() !== 0) missing.unshift('root');
  return missing;
}

/**
 * Runs one variant of a lab into `outDir` and writes `<outDir>.expected.json` beside it.
 * Whatever the variant leaves behind under its namespace prefix is deleted afterwards.
 */
export async function runLab(id: string, options: RunLabOptions): Promise<LabRunResult> {
  const lab = findLab(id);
  if (!lab) throw new LabRunError(`no lab "${id}" (netmortem lab list shows them)`);
  const variant = pickVariant(lab, options.variant);
  const missing = labPrerequisitesMissing();
  if (missing.length > 0)
    throw new LabRunError(
      `labs need root and ${LAB_TOOLS.join(', ')}; missing: ${missing.join(', ')}`,
    );
  const bundleDir = path.resolve(options.outDir);
  if (existsSync(bundleDir) && readdirSync(bundleDir).length > 0)
    throw new LabRunError(`${bundleDir} is not empty`);
  mkdirSync(bundleDir, { recursive: true });

  const log = options.log ?? (() => undefined);
  for (const stale of sweepStaleLabNamespaces()) log(`removed stale namespace ${stale}`);
  for (const key of restoreAbandonedHostSysctls())
    log(`restored ${key} left changed by a killed lab`);
  const prefix = newLabPrefix();
  const started = Date.now();
  let outcome;
  try {
    outcome = await variant.run({ outDir: bundleDir, log, prefix });
  } catch (error) {
    throw new LabRunError(
      `lab ${lab.id} variant ${variant.id} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    removeNamespaces(prefix);
  }
  const durationMs = Date.now() - started;
  const expected: LabExpectedFile = { lab: lab.id, variant: variant.id, ...outcome };
  writeFileSync(`${bundleDir}.expected.json`, `${JSON.stringify(expected, null, 2)}\n`);
  return { bundleDir, expected, durationMs };
}

function pickVariant(lab: LabDefinition, id: string | undefined): LabVariant {
  if (id === undefined) {
    const first = lab.variants[0];
    if (!first) throw new LabRunError(`lab ${lab.id} has no variants`);
    return first;
  }
  const variant = lab.variants.find((v) => v.id === id);
  if (!variant)
    throw new LabRunError(
      `lab ${lab.id} has no variant "${id}" (it has: ${lab.variants.map((v) => v.id).join(', ')})`,
    );
  return variant;
}

function removeNamespaces(prefix: string): void {
  const leftovers = parseNamespaceList(run(['ip', 'netns', 'list'])).filter((name) =>
    name.startsWith(`${prefix}-`),
  );
  for (const name of leftovers) {
    try {
      run(['ip', 'netns', 'del', name]);
    } catch {
      // gone meanwhile
    }
  }
}
