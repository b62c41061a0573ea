import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCollector } from './run-collector.js';
import { BASE_TOOLS, toolPath } from './testing/tool-path.js';
import { unpackBundle } from './testing/unpacked-bundle.js';

interface ManifestCommand {
  argv: string[];
  file?: string;
  exitCode: number;
  tool: string;
  version: string;
  note?: string;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nmcol-out-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('runCollector on a machine without any network tool', () => {
  it('still writes an archive whose manifest says what was missing', async () => {
    const tools = toolPath(BASE_TOOLS);
    cleanups.push(tools.remove);
    const output = scratch();
    const label = 'pod:"shop"/orders\\x\ttab, ünïcode\nsecond line';
    const lines: string[] = [];

    const result = await runCollector({
      output,
      label,
      filter: 'tcp port 8080',
      durationSeconds: 1,
      capture: false,
      events: false,
      env: { PATH: tools.path, NETMORTEM_COLLECT_PATH: tools.path },
      onProgress: (line) => lines.push(line),
    });

    expect(result.exitCode).toBe(0);
    expect(result.archivePath).toMatch(new RegExp(`^${output}/netmortem-.+\\.tar\\.gz$`));
    expect(lines).toContainEqual(expect.stringMatching(/^\[1\/21\] uname -a \.\.\. ok \(\d+ B\)$/));
    expect(lines).toContain('[2/21] ss -tanoie ... missing (netstat -tan, no ss)');
    expect(lines.at(-1)).toMatch(/^\[21\/21\] manifest\.json \+ archive \.\.\. ok \(/);

    const bundle = unpackBundle(result.archivePath!);
    cleanups.push(bundle.remove);
    const manifest = JSON.parse(bundle.files.get('manifest.json')!.toString('utf8')) as {
      kind: string;
      scope: { netns: string };
      options: { filter: string; capture: boolean };
      commands: ManifestCommand[];
    };
    expect(manifest.kind).toBe('netmortem-manifest');
    // Escaped by the script itself: quotes, backslashes, tabs, newlines and UTF-8 survive.
    expect(manifest.scope.netns).toBe(label);
    expect(manifest.options).toMatchObject({ filter: 'tcp port 8080', capture: false });

    const byTool = (name: string) => manifest.commands.filter((c) => c.argv[0] === name);
    for (const name of [
      'netstat',
      'ss',
      'conntrack',
      'iptables-save',
      'ip6tables-save',
      'nft',
      'ip',
      'nstat',
      'sysctl',
      'dmesg',
    ]) {
      expect(byTool(name).length, name).toBeGreaterThan(0);
      for (const command of byTool(name)) {
        expect(command).toMatchObject({ exitCode: 127, note: 'not installed', version: '' });
        expect(command.file).toBeUndefined();
      }
    }
    expect(byTool('uname')[0]).toMatchObject({ exitCode: 0, file: 'uname.txt', tool: 'coreutils' });
    expect(byTool('uname')[0]!.version).toMatch(/uname/);
    // Every file the manifest names is in the archive, and nothing else is.
    const named = manifest.commands.flatMap((c) => (c.file ? [c.file] : []));
    expect([...bundle.files.keys()].sort()).toEqual([...named, 'manifest.json'].sort());
    for (const file of named) expect(bundle.files.get(file)!.length, file).toBeGreaterThan(0);
  });
});

describe('runCollector when aborted', () => {
  it('stops the command it was running and writes nothing', async () => {
    // A stand-in for a tool that hangs (nft on a huge ruleset, a wedged netlink socket).
    const tools = toolPath(BASE_TOOLS);
    cleanups.push(tools.remove);
    const pidFile = join(scratch(), 'nft.pid');
    writeFileSync(join(tools.path, 'nft'), `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 60\n`, {
      mode: 0o755,
    });
    const output = scratch();
    const controller = new AbortController();

    const running = runCollector({
      output,
      capture: false,
      events: false,
      env: { PATH: tools.path, NETMORTEM_COLLECT_PATH: tools.path },
      signal: controller.signal,
      onProgress: (line) => {
        if (line.includes('other backend')) setTimeout(() => controller.abort(), 300);
      },
    });
    const result = await running;

    expect(result.exitCode).toBe(143);
    expect(result.archivePath).toBeUndefined();
    expect(result.error).toMatch(/interrupted by SIGTERM/);
    expect(readdirSync(output)).toEqual([]);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(isRunning(pid)).toBe(false);
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
