import { Readable } from 'node:stream';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MatchInput } from '@netmortem/matcher';
import { collectBundleEvidence, collectCapturePackets } from '@netmortem/evidence';

/** Bundles recorded by the reproduction labs on a real kernel (scripts/lab/record-lab-bundles.mjs). */
export const LAB_BUNDLES = fileURLToPath(new URL('../fixtures/lab-bundles/', import.meta.url));

export interface LabFixture {
  readonly lab: string;
  readonly variant: string;
  readonly rootCause: string | null;
  readonly flow?: {
    readonly client: string;
    readonly server: string;
    readonly serverAlternatives?: readonly string[];
  };
  readonly dir: string;
}

/** Every recorded variant, or those of one lab. */
export function labFixtures(lab?: string): LabFixture[] {
  if (!existsSync(LAB_BUNDLES)) return [];
  const out: LabFixture[] = [];
  for (const name of readdirSync(LAB_BUNDLES).sort()) {
    if (lab !== undefined && name !== lab) continue;
    const labDir = path.join(LAB_BUNDLES, name);
    if (!statSync(labDir).isDirectory()) continue;
    for (const file of readdirSync(labDir).sort()) {
      if (!file.endsWith('.expected.json')) continue;
      const dir = path.join(labDir, file.slice(0, -'.expected.json'.length));
      if (!existsSync(dir)) continue;
      const expected = JSON.parse(readFileSync(path.join(labDir, file), 'utf8')) as Omit<
        LabFixture,
        'dir'
      >;
      out.push({ ...expected, dir });
    }
  }
  return out;
}

/** A recorded bundle read through the real evidence pipeline, as `netmortem analyze` reads it. */
export async function loadLabFixture(fixture: LabFixture): Promise<MatchInput> {
  const files = new Map<string, Uint8Array>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), rel);
      else files.set(rel, readFileSync(path.join(dir, entry.name)));
    }
  };
  walk(fixture.dir, '');
  // One chunk per file: the readers take any async iterable of bytes.
  const open = (rel: string) => Promise.resolve(Readable.from([Buffer.from(files.get(rel)!)]));
  const evidence = await collectBundleEvidence(
    [...files].map(([rel, bytes]) => ({
      path: rel,
      sizeBytes: bytes.length,
      open: () => open(rel),
    })),
  );
  const { packets } = await collectCapturePackets(
    evidence.captures.map((c) => ({ path: c.artifact, open: () => open(c.artifact) })),
  );
  return { evidence, packets };
}
