import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@test/support/service-process.js';

const run = promisify(execFile);
const BIN = path.join(REPO_ROOT, 'apps/cli/bin/netmortem.js');
const FLOWS = path.join(REPO_ROOT, 'libs/evidence/src/flows/__fixtures__');

interface InspectJson {
  artifacts: { path: string; kind: string; status: string; error?: string }[];
  flows: {
    client: { ip: string; port: number };
    server: { ip: string; port: number };
    close: { kind: string };
    anomalyCounts: Record<string, number>;
  }[];
  captures: { artifact: string; packets: number }[];
  correlations: { translation: unknown }[];
  counts: Record<string, number>;
}

async function inspect(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, 'inspect', ...args], {
    maxBuffer: 64 * 1024 ** 2,
    env: { PATH: process.env.PATH },
  });
}

// `netmortem inspect` offline, as an engineer runs it: the JSON contract, the text view, and
// what it does with damaged and unusable input.
describe('netmortem inspect', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'nm-inspect-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('should list every artifact of a bundle with its kind and status, plus flows', async () => {
    const { stdout } = await inspect(
      path.join(REPO_ROOT, 'examples/sidecar-node-snapshot'),
      '--format',
      'json',
    );
    const result = JSON.parse(stdout) as InspectJson;
    expect(result.artifacts.map((a) => [a.path, a.kind, a.status])).toEqual([
      ['capture-any.pcap', 'pcap', 'parsed'],
      ['conntrack-E-timestamp.txt', 'conntrack-events', 'parsed'],
      ['conntrack-L.txt', 'conntrack-table', 'parsed'],
      ['conntrack-S.txt', 'conntrack-stats', 'parsed'],
      ['incident.json', 'unknown', 'skipped'],
      ['iptables-save.txt', 'iptables-save', 'parsed'],
      ['ss-tanoie.txt', 'ss', 'parsed'],
      ['sysctl-net.txt', 'sysctl', 'parsed'],
      ['uname.txt', 'uname', 'parsed'],
    ]);
    expect(result.captures[0]?.packets).toBeGreaterThan(0);
    expect(result.counts.sockets).toBeGreaterThan(0);
    expect(result.counts.conntrackEvents).toBeGreaterThan(0);
  });

  it('should reconstruct a capture’s flows and name their anomalies', async () => {
    const { stdout } = await inspect(path.join(FLOWS, 'rst-abort.pcap'), '--format', 'json');
    const result = JSON.parse(stdout) as InspectJson;
    expect(result.flows.length).toBeGreaterThan(0);
    expect(result.flows.some((flow) => flow.close.kind.startsWith('rst-by-'))).toBe(true);
    const refused = JSON.parse(
      (await inspect(path.join(FLOWS, 'refused.pcap'), '--format', 'json')).stdout,
    ) as InspectJson;
    expect(refused.flows.some((flow) => flow.close.kind === 'refused')).toBe(true);
  });

  it('should show where a NAT translated a connection when both sides were captured', async () => {
    const bundle = path.join(scratch, 'nat');
    await run('mkdir', ['-p', bundle]);
    await writeFile(
      path.join(bundle, 'pod.pcap'),
      await readFile(path.join(FLOWS, 'nat-client-side.pcap')),
    );
    await writeFile(
      path.join(bundle, 'node.pcap'),
      await readFile(path.join(FLOWS, 'nat-server-side.pcap')),
    );
    const result = JSON.parse((await inspect(bundle, '--format', 'json')).stdout) as InspectJson;
    expect(result.correlations.length).toBeGreaterThan(0);
  });

  it('should keep what a truncated capture held and report where it broke, with exit code 0', async () => {
    const whole = await readFile(path.join(FLOWS, 'half-close.pcap'));
    const cut = path.join(scratch, 'cut.pcap');
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.7)));
    const result = JSON.parse((await inspect(cut, '--format', 'json')).stdout) as InspectJson;
    expect(result.artifacts[0]).toMatchObject({
      path: 'cut.pcap',
      kind: 'pcap',
      status: 'partial',
    });
    expect(result.artifacts[0]?.error).toMatch(/cut\.pcap#packet \d+/);
    expect(result.captures[0]?.packets).toBeGreaterThan(0);
  });

  it('should print a readable summary by default', async () => {
    const { stdout } = await inspect(path.join(REPO_ROOT, 'examples/client-node-kube-proxy'));
    expect(stdout).toMatch(/^ARTIFACTS/);
    expect(stdout).toMatch(/parsed\s+conntrack-events\s+conntrack-events\.txt/);
    expect(stdout).toMatch(/FLOWS \d+/);
  });

  it('should refuse unusable input with a clear message and a non-zero exit', async () => {
    await expect(inspect(path.join(scratch, 'does-not-exist'))).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/does-not-exist: no such file or directory/) as string,
    });
    await expect(inspect(scratch, '--format', 'yaml')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--format must be text or json/) as string,
    });
  });
});
