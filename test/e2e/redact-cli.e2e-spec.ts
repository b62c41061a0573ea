import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@test/support/service-process.js';

const run = promisify(execFile);
const BIN = path.join(REPO_ROOT, 'apps/cli/bin/netmortem.js');

interface InspectJson {
  artifacts: { path: string; kind: string; status: string }[];
  flows: {
    client: { ip: string; port: number };
    server: { ip: string; port: number };
    packets?: number;
    close: { kind: string };
    anomalyCounts: Record<string, number>;
  }[];
  counts: Record<string, number>;
}

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], {
    maxBuffer: 64 * 1024 ** 2,
    env: { PATH: process.env.PATH },
  });
}

async function inspectJson(target: string): Promise<InspectJson> {
  const { stdout } = await cli('inspect', target, '--format', 'json');
  return JSON.parse(stdout) as InspectJson;
}

/** What analysis depends on, with the identities taken out: it must survive redaction. */
function shape(result: InspectJson): unknown {
  return {
    artifacts: result.artifacts
      .filter((a) => a.path !== 'REDACTED.json')
      .map((a) => [a.path, a.kind, a.status]),
    counts: result.counts,
    flows: result.flows
      .map((f) => ({ close: f.close.kind, anomalies: f.anomalyCounts, packets: f.packets }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

// `netmortem redact` as a data owner runs it before sharing a bundle: the same analysis comes
// out of the redacted bundle, and none of the original addresses or names do.
describe('netmortem redact', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'nm-redact-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  for (const example of ['client-node-kube-proxy', 'sidecar-node-snapshot']) {
    it(`should keep what ${example} says while hiding who said it`, async () => {
      const source = path.join(REPO_ROOT, 'examples', example);
      const output = path.join(scratch, `${example}.tar.gz`);
      const mapping = path.join(scratch, `${example}.mapping.json`);
      const { stdout, stderr } = await cli(
        'redact',
        source,
        '-o',
        output,
        '--key-file',
        path.join(scratch, 'key'),
        '--mapping-out',
        mapping,
      );
      expect(stdout.trim()).toBe(output);
      expect(stderr).toMatch(/redacted \d+ files/);

      const before = await inspectJson(source);
      const after = await inspectJson(output);
      expect(shape(after)).toEqual(shape(before));
      expect(after.flows.length).toBeGreaterThan(0);

      // No original address survives anywhere in the redacted files.
      const unpacked = path.join(scratch, `${example}-unpacked`);
      await mkdir(unpacked);
      await run('tar', ['xzf', output, '-C', unpacked]);
      const redactedText = (
        await Promise.all((await filesUnder(unpacked)).map((f) => readFile(f, 'latin1')))
      ).join('\n');
      const originalEndpoints = new Set(
        before.flows.flatMap((f) => [f.client.ip, f.server.ip]).filter((ip) => !isKept(ip)),
      );
      expect(originalEndpoints.size).toBeGreaterThan(0);
      const redactedEndpoints = new Set(after.flows.flatMap((f) => [f.client.ip, f.server.ip]));
      for (const ip of originalEndpoints) {
        expect(redactedEndpoints.has(ip)).toBe(false);
        if (!ip.includes(':')) expect(redactedText).not.toContain(ip);
      }

      const note = JSON.parse(await readFile(path.join(unpacked, 'REDACTED.json'), 'utf8')) as {
        keyFingerprint: string;
        replaced: { ipv4: { distinct: number } };
      };
      expect(note.keyFingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(note.replaced.ipv4.distinct).toBeGreaterThan(0);
      // The mapping goes to the owner only: it is not inside the shared archive.
      expect(redactedText).not.toContain(await readFile(mapping, 'utf8'));
    });
  }

  it('should give the same pseudonyms to two bundles redacted with one key', async () => {
    const key = path.join(scratch, 'shared-key');
    const source = path.join(REPO_ROOT, 'examples', 'client-node-kube-proxy');
    const one = path.join(scratch, 'one.tar.gz');
    const two = path.join(scratch, 'two.tar.gz');
    await cli('redact', source, '-o', one, '--key-file', key);
    await cli('redact', source, '-o', two, '--key-file', key);
    const endpoints = (r: InspectJson) =>
      r.flows.map((f) => `${f.client.ip}:${f.client.port}>${f.server.ip}:${f.server.port}`).sort();
    expect(endpoints(await inspectJson(two))).toEqual(endpoints(await inspectJson(one)));
  });

  it('should name the bundle when it cannot be read', async () => {
    const missing = path.join(scratch, 'no-such-bundle');
    await expect(cli('redact', missing, '-o', path.join(scratch, 'x.tar.gz'))).rejects.toThrow(
      /no-such-bundle/,
    );
  });
});

/** Loopback and unspecified addresses carry no identity and are kept as they are. */
function isKept(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip === '0.0.0.0' || ip === '::';
}
