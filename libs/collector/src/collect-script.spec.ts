import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COLLECT_SCRIPT_PATH, readCollectScript } from './collect-script.js';
import { runCollector } from './run-collector.js';

const script = readFileSync(COLLECT_SCRIPT_PATH, 'utf8');

function available(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

// Each shell the script may meet on a node: Debian's dash, busybox (Alpine, distroless
// debug images), and bash in POSIX mode (RHEL-like nodes, where sh is bash).
const shells = [['dash'], ['busybox', 'sh'], ['bash', '--posix']].filter(([command]) =>
  available(command!),
);

describe('collect.sh on disk', () => {
  it('is found beside both src/ and dist/', () => {
    expect(existsSync(COLLECT_SCRIPT_PATH)).toBe(true);
    expect(COLLECT_SCRIPT_PATH.endsWith('/libs/collector/scripts/collect.sh')).toBe(true);
    const fromDist = fileURLToPath(
      new URL('../scripts/collect.sh', new URL('../dist/collect-script.js', import.meta.url)),
    );
    expect(fromDist).toBe(COLLECT_SCRIPT_PATH);
  });

  it('is served as it is, a POSIX sh script', async () => {
    const text = await readCollectScript();
    expect(text).toBe(script);
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
  });

  it('uses no bash-only syntax', () => {
    const code = script
      .split('\n')
      .filter((line) => !/^\s*#/.test(line))
      .join('\n');
    const bashisms = [
      /(?:^|\s)\[\[\s/m, // [[ ... ]] tests
      /\bfunction\s+\w+/, // function keyword
      /<<</, // here-strings
      /(?:^|[\s=(])\$'/m, // $'...' quoting
      /\$\{\w+\/\/?/, // ${var/pattern/replacement}
      /\$\{\w+:-?\d/, // ${var:offset}
      /(?:^|\s)(?:local|source|declare|typeset)\s/m,
      /&>/, // &> redirection
      /\w+=\(/, // arrays
    ];
    for (const bashism of bashisms) expect(code).not.toMatch(bashism);
  });

  it.each(shells.map((shell) => [shell.join(' '), shell] as const))(
    'parses under %s',
    (_, [command, ...args]) => {
      const result = spawnSync(command!, [...args, '-n', COLLECT_SCRIPT_PATH], {
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
  );

  it.each(shells.map((shell) => [shell.join(' '), shell] as const))(
    'prints its usage under %s',
    (_, [command, ...args]) => {
      const result = spawnSync(command!, [...args, COLLECT_SCRIPT_PATH, '--help'], {
        encoding: 'utf8',
      });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Usage: sh collect.sh [options]');
      expect(result.stdout).toContain('--no-capture');
    },
  );

  it('refuses unknown options and bad values with exit status 2 and a message', () => {
    for (const args of [['--bogus'], ['-d', 'soon'], ['-d'], ['-s', '-1'], ['-i', 'eth0 lo']]) {
      const result = spawnSync('sh', [COLLECT_SCRIPT_PATH, ...args], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^collect\.sh: /);
    }
  });

  it('reports a namespace that does not exist before collecting anything', async () => {
    const lines: string[] = [];
    const result = await runCollector({
      netns: 'nmcol-does-not-exist',
      onProgress: (line) => lines.push(line),
    });
    expect(result.exitCode).toBe(2);
    expect(result.archivePath).toBeUndefined();
    expect(lines.join('\n')).toMatch(/no such network namespace|needs the ip command/);
  });
});
