import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@test/support/service-process.js';

const run = promisify(execFile);
const BIN = path.join(REPO_ROOT, 'apps/cli/bin/netmortem.js');
const LAB_BUNDLES = path.join(REPO_ROOT, 'test/fixtures/lab-bundles');

interface Expected {
  lab: string;
  variant: string;
  rootCause: string | null;
  flow?: { client: string; server: string; serverAlternatives?: string[] };
}

interface AnalyzeJson {
  artifacts: { path: string; kind: string; status: string }[];
  findings: {
    rootCause: string;
    confidence: number;
    flow?: { client: string; server: string; backend?: string };
    evidence: unknown[];
  }[];
  risks: { rootCause: string }[];
}

/** Every recorded lab bundle: `<lab>/<variant>/` beside `<lab>/<variant>.expected.json`. */
function recordedBundles(): { dir: string; expected: Expected }[] {
  if (!existsSync(LAB_BUNDLES)) return [];
  const out: { dir: string; expected: Expected }[] = [];
  for (const lab of readdirSync(LAB_BUNDLES).sort()) {
    const labDir = path.join(LAB_BUNDLES, lab);
    if (!statSync(labDir).isDirectory()) continue;
    for (const file of readdirSync(labDir).sort()) {
      if (!file.endsWith('.expected.json')) continue;
      const dir = path.join(labDir, file.replace(/\.expected\.json$/, ''));
      if (existsSync(dir))
        out.push({
          dir,
          expected: JSON.parse(readFileSync(path.join(labDir, file), 'utf8')) as Expected,
        });
    }
  }
  return out;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'netmortem-analyze-labs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function analyze(dir: string): Promise<AnalyzeJson> {
  const { stdout } = await run(process.execPath, [BIN, 'analyze', dir, '--format', 'json'], {
    maxBuffer: 64 * 1024 ** 2,
    env: { PATH: process.env.PATH },
  });
  return JSON.parse(stdout) as AnalyzeJson;
}

const bundles = recordedBundles();

/** The top cause at 0.5 or above, or null: what a person would act on. */
function verdict(report: AnalyzeJson): string | null {
  return report.findings.find((f) => f.confidence >= 0.5)?.rootCause ?? null;
}

// The project's own labs, recorded on a real kernel: the mechanism must be recognised on the
// right flow, and healthy bundles must stay quiet. Addresses and file names differ per lab;
// nothing here (or in the matcher) keys on them.
describe('netmortem analyze on the recorded lab bundles', () => {
  it('has recorded bundles to check', () => {
    expect(bundles.length).toBeGreaterThan(0);
  });

  it.each(bundles.map((b) => [`${b.expected.lab}/${b.expected.variant}`, b] as const))(
    '%s',
    async (_name, { dir, expected }) => {
      const report = await analyze(dir);
      if (expected.rootCause === null) {
        expect(report.findings.filter((f) => f.confidence >= 0.5)).toEqual([]);
        return;
      }
      const top = report.findings[0];
      expect(
        top?.rootCause,
        JSON.stringify(report.findings.map((f) => [f.rootCause, f.confidence])),
      ).toBe(expected.rootCause);
      expect(top!.confidence).toBeGreaterThanOrEqual(0.5);
      expect(top!.evidence.length).toBeGreaterThan(0);
      if (expected.flow) {
        expect(top!.flow?.client).toBe(expected.flow.client);
        expect([expected.flow.server, ...(expected.flow.serverAlternatives ?? [])]).toContain(
          top!.flow?.server,
        );
      }
    },
    60_000,
  );

  // Addresses, ports and payloads mean nothing to the matcher: the same bundle redacted
  // (keyed pseudonyms for every address, permuted ephemeral ports, payloads stripped) must
  // give the same verdict.
  it.each(bundles.map((b) => [`${b.expected.lab}/${b.expected.variant}`, b] as const))(
    'gives the same verdict on %s after redaction',
    async (name, { dir, expected }) => {
      const out = path.join(scratch, `${name.replace('/', '--')}.tar.gz`);
      await run(
        process.execPath,
        [BIN, 'redact', dir, '-o', out, '--key-file', path.join(scratch, 'redaction.key')],
        { env: { PATH: process.env.PATH } },
      );
      expect(verdict(await analyze(out))).toBe(expected.rootCause);
    },
    60_000,
  );
});
