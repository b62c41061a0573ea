import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { constants } from 'node:os';
import { collectScriptArguments, type CollectOptions } from './collect-options.js';
import { COLLECT_SCRIPT_PATH } from './collect-script.js';

export interface RunCollectorOptions extends CollectOptions {
  /** Working directory; a relative `output` and the default archive location are relative to it. */
  readonly cwd?: string;
  /**
   * The POSIX shell to run the script with (default `/bin/sh`, found without PATH, which a
   * caller may have narrowed; `dash` and `['busybox', 'sh']` work too).
   */
  readonly shell?: string | readonly string[];
  /**
   * A command the shell is started through, to run the whole collection in another network
   * namespace: `['nsenter', '-t', '4242', '-n']` for a pod's process, or
   * `['ip', 'netns', 'exec', 'blue']`.
   */
  readonly launcher?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Each progress line the script prints (`[3/23] conntrack -L ... ok (1.2 KiB)`). */
  readonly onProgress?: (line: string) => void;
  /** Aborting stops the script, which stops what it started and writes no archive. */
  readonly signal?: AbortSignal;
}

export interface CollectorResult {
  /** Absolute path of the archive, when one was written. */
  readonly archivePath?: string;
  /** 0 archive written, 1 could not write it, 2 bad usage, 128+N killed by signal N. */
  readonly exitCode: number;
  /** The script's last complaint, when it wrote no archive. */
  readonly error?: string;
}

/**
 * Runs collect.sh and resolves once it has exited. The script is the single implementation
 * of collection, so `netmortem collect` gathers exactly what `curl .../collect.sh | sh` does.
 *
 * A Ctrl-C in a terminal reaches the script too (same process group): while it waits for the
 * capture, it stops early and still writes the archive, so a caller that wants that should
 * not exit on its own SIGINT before this promise settles.
 */
export function runCollector(options: RunCollectorOptions = {}): Promise<CollectorResult> {
  const args = collectScriptArguments(options);
  const cwd = options.cwd ?? process.cwd();
  const shell =
    typeof options.shell === 'string' ? [options.shell] : (options.shell ?? ['/bin/sh']);
  const [command, ...prefix] = [...(options.launcher ?? []), ...shell];
  return new Promise((settle, fail) => {
    const child = spawn(command!, [...prefix, COLLECT_SCRIPT_PATH, ...args], {
      cwd,
      // Without an explicit environment the child inherits ours, as spawn does by default.
      ...(options.env ? { env: options.env } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastOut = '';
    let lastErr = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.trim() !== '') lastOut = line;
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      // The script's own messages start with its name; hints and progress lines do not.
      if (line.startsWith('collect.sh: ')) lastErr = line.slice('collect.sh: '.length);
      options.onProgress?.(line);
    });
    const abort = (): void => {
      child.kill('SIGTERM');
    };
    if (options.signal?.aborted) abort();
    else options.signal?.addEventListener('abort', abort, { once: true });
    child.once('error', (error) => {
      options.signal?.removeEventListener('abort', abort);
      fail(error);
    });
    child.once('close', (code, signal) => {
      options.signal?.removeEventListener('abort', abort);
      const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
      if (exitCode === 0 && lastOut !== '')
        settle({ archivePath: resolve(cwd, lastOut), exitCode });
      else settle({ exitCode, ...(lastErr ? { error: lastErr } : {}) });
    });
  });
}
