import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { REPO_ROOT } from '@test/support/service-process.js';

const run = promisify(execFile);
const BIN = path.join(REPO_ROOT, 'apps/cli/bin/netmortem.js');

async function netmortem(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], {
    maxBuffer: 16 * 1024 ** 2,
    env: { PATH: process.env.PATH },
  });
}

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const TOOLS = ['ip', 'iptables-restore', 'conntrack', 'tcpdump', 'ss', 'nstat'];
const canRunLabs = requirement(
  `root and ${TOOLS.join(', ')} for netmortem lab run`,
  process.getuid?.() === 0 && TOOLS.every(has),
);

const scratch = mkdtempSync(path.join(tmpdir(), 'netmortem-lab-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface ListedLab {
  id: string;
  rootCause: string | null;
  title: string;
  description: string;
  variants: { id: string; summary: string }[];
}

describe('netmortem lab', () => {
  it('lists every lab with its variants, as text and as JSON', async () => {
    const { stdout: json } = await netmortem('lab', 'list', '--format', 'json');
    const labs = JSON.parse(json) as ListedLab[];
    const ids = labs.map((lab) => lab.id);
    for (const id of [
      'ct-invalid-not-natted-rst',
      'conntrack-expiry-rebalance',
      'stateful-fw-halfclose-drop',
      'conntrack-table-full',
      'snat-port-collision',
    ])
      expect(ids).toContain(id);
    for (const lab of labs.filter((l) => l.rootCause !== null)) {
      expect(lab.rootCause).toBe(lab.id);
      expect(lab.variants.length).toBeGreaterThanOrEqual(2);
    }
    const { stdout: text } = await netmortem('lab', 'list');
    expect(text).toContain('snat-port-collision  (root cause snat-port-collision');
    expect(text).toContain('  - udp-dns-single-port-events');
  });

  it('refuses an unknown lab by name', async () => {
    const failure = (await netmortem(
      'lab',
      'run',
      'no-such-lab',
      '--out',
      path.join(scratch, 'x'),
    ).catch((error: unknown) => error)) as { code?: number; stderr?: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('no lab "no-such-lab"');
  });

  it.skipIf(!canRunLabs)(
    'runs a variant on this kernel and writes the bundle with its expected outcome beside it',
    async () => {
      const out = path.join(scratch, 'flush');
      const { stdout } = await netmortem(
        'lab',
        'run',
        'conntrack-expiry-rebalance',
        '--variant',
        'node-local-nth-flush-plain-events',
        '--out',
        out,
      );
      expect(stdout).toContain('expected conntrack-expiry-rebalance');
      const files = readdirSync(out);
      expect(files).toEqual(
        expect.arrayContaining([
          'manifest.json',
          'conntrack-events.txt',
          'capture.pcap',
          'client.log',
        ]),
      );
      const expected = JSON.parse(readFileSync(`${out}.expected.json`, 'utf8')) as {
        lab: string;
        variant: string;
        rootCause: string;
        flow: { client: string; server: string };
      };
      expect(expected).toMatchObject({
        lab: 'conntrack-expiry-rebalance',
        variant: 'node-local-nth-flush-plain-events',
        rootCause: 'conntrack-expiry-rebalance',
      });
      expect(readFileSync(path.join(out, 'client.log'), 'utf8')).toContain(
        `read tcp ${expected.flow.client}->${expected.flow.server}: read: connection reset by peer`,
      );
      // The outcome is never inside the bundle itself.
      expect(existsSync(path.join(out, 'expected.json'))).toBe(false);
      // Namespaces are named after the pid that made them; none of a finished run may remain.
      const orphans = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
        .split('\n')
        .map((line) => /^nmlab-p(\d+)-/.exec(line)?.[1])
        .filter((pid): pid is string => pid !== undefined && !alive(Number(pid)));
      expect(orphans).toEqual([]);
    },
    60_000,
  );
});
