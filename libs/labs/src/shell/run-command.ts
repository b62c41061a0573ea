import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** A command of the lab failed; carries what it ran and what it said. */
export class LabCommandError extends Error {
  constructor(
    readonly command: readonly string[],
    readonly stderr: string,
    cause?: unknown,
  ) {
    super(`${command.join(' ')} failed: ${stderr.trim() || String(cause)}`, { cause });
    this.name = 'LabCommandError';
  }
}

/** Runs a command to completion (optionally inside a namespace), returns stdout. */
export function run(
  command: readonly string[],
  options: { netns?: string; input?: string } = {},
): string {
  const argv =
    options.netns === undefined ? [...command] : ['ip', 'netns', 'exec', options.netns, ...command];
  try {
    return execFileSync(argv[0] as string, argv.slice(1), {
      encoding: 'utf8',
      input: options.input,
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer | string }).stderr;
    throw new LabCommandError(argv, stderr === undefined ? String(error) : String(stderr));
  }
}

/** Runs a command to completion without blocking the event loop. */
export function runAsync(
  command: readonly string[],
  options: { netns?: string } = {},
): Promise<string> {
  const argv =
    options.netns === undefined ? [...command] : ['ip', 'netns', 'exec', options.netns, ...command];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (error) => reject(new LabCommandError(argv, err, error)));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new LabCommandError(argv, `${err} (exit ${code})`)),
    );
  });
}

/** Whether a program is on the PATH. */
export function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A background process in a namespace whose output is collected (and always drained). */
export interface BackgroundProcess {
  readonly child: ChildProcess;
  output(): string;
  errors(): string;
  /** Stops it with SIGINT (tcpdump flushes) and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts a command in a namespace. With `stdoutFile`, its output goes straight to that file,
 * so a busy event loop in this process can never stall it (a `conntrack -E` blocked on a full
 * pipe stops reading netlink, and the kernel then drops events).
 */
export function startBackground(
  netns: string,
  command: readonly string[],
  options: { stdoutFile?: string } = {},
): BackgroundProcess {
  const file = options.stdoutFile;
  const fd = file === undefined ? undefined : openSync(file, 'w');
  const child = spawn('ip', ['netns', 'exec', netns, ...command], {
    stdio: ['ignore', fd ?? 'pipe', 'pipe'],
  });
  if (fd !== undefined) closeSync(fd);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => (file === undefined ? out : readFileSync(file, 'utf8')),
    errors: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves once `text` shows on the process's stdout or stderr. */
export async function waitForOutput(
  process: BackgroundProcess,
  text: string,
  timeoutMs = 10_000,
): Promise<void> {
  const started = Date.now();
  while (!process.output().includes(text) && !process.errors().includes(text)) {
    if (process.child.exitCode !== null)
      throw new LabCommandError(['(background)'], process.errors());
    if (Date.now() - started > timeoutMs)
      throw new LabCommandError(
        ['(background)'],
        `no "${text}" after ${timeoutMs} ms: ${process.errors()}`,
      );
    await sleep(20);
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
