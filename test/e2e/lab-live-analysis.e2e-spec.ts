import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { REPO_ROOT } from '@test/support/service-process.js';

const run = promisify(execFile);
const BIN = path.join(REPO_ROOT, 'apps/cli/bin/netmortem.js');
const TOOLS = ['ip', 'iptables-restore', 'nft', 'conntrack', 'tcpdump', 'ss', 'nstat', 'openssl'];

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const canRunLabs = requirement(
  `root and ${TOOLS.join(', ')} to run every reproduction lab on this kernel`,
  process.getuid?.() === 0 && TOOLS.every(has),
);

interface ListedLab {
  id: string;
  rootCause: string | null;
  variants: { id: string }[];
}

interface Expected {
  rootCause: string | null;
  flow?: { client: string; server: string; serverAlternatives?: string[] };
}

interface Report {
  findings: { rootCause: string; confidence: number; flow?: { client: string; server: string } }[];
}

const labs = JSON.parse(
  execFileSync(process.execPath, [BIN, 'lab', 'list', '--format', 'json'], { encoding: 'utf8' }),
) as ListedLab[];
const cases = labs.flatMap((lab) =>
  lab.variants.map((v) => [`${lab.id}/${v.id}`, lab.id, v.id] as const),
);
const scratch = mkdtempSync(path.join(tmpdir(), 'netmortem-lab-live-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Every lab variant, reproduced live on this kernel and analysed by `netmortem analyze` the way
// an engineer would: the matcher must name the lab's cause on the lab's failing flow, and stay
// below 0.5 on every healthy lab. Fresh runs differ from the recorded fixtures in ports,
// sequence numbers and timing, which is the point.
describe.skipIf(!canRunLabs)('every reproduction lab, run live and analysed', () => {
  it('lists at least two variants per catalogued cause and six healthy labs', () => {
    const catalogued = labs.filter((l) => l.rootCause !== null);
    expect(catalogued.every((l) => l.variants.length >= 2)).toBe(true);
    expect(labs.filter((l) => l.rootCause === null).length).toBeGreaterThanOrEqual(6);
  });

  it.each(cases)(
    '%s',
    async (_name, lab, variant) => {
      const out = path.join(scratch, `${lab}--${variant}`);
      await run(process.execPath, [BIN, 'lab', 'run', lab, '--variant', variant, '--out', out], {
        maxBuffer: 16 * 1024 ** 2,
      });
      const expected = JSON.parse(readFileSync(`${out}.expected.json`, 'utf8')) as Expected;
      const { stdout } = await run(process.execPath, [BIN, 'analyze', out, '--format', 'json'], {
        maxBuffer: 64 * 1024 ** 2,
      });
      const report = JSON.parse(stdout) as Report;
      const ranked = JSON.stringify(
        report.findings.map((f) => [f.rootCause, f.confidence, f.flow]),
      );
      if (expected.rootCause === null) {
        expect(
          report.findings.filter((f) => f.confidence >= 0.5),
          ranked,
        ).toEqual([]);
        return;
      }
      const top = report.findings[0];
      expect(top?.rootCause, ranked).toBe(expected.rootCause);
      expect(top!.confidence, ranked).toBeGreaterThanOrEqual(0.5);
      if (expected.flow) {
        expect(top!.flow?.client, ranked).toBe(expected.flow.client);
        expect(
          [expected.flow.server, ...(expected.flow.serverAlternatives ?? [])],
          ranked,
        ).toContain(top!.flow?.server);
      }
    },
    120_000,
  );
});
