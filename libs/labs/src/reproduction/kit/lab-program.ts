import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  LabCommandError,
  sleep,
  startBackground,
  type BackgroundProcess,
} from '../../shell/run-command.js';
import type { LabTopology } from './lab-topology.js';

/** A lab endpoint program in libs/labs/programs/ (same depth from src/ and dist/). */
export function programPath(name: string): string {
  if (!/^[a-z0-9-]+$/.test(name)) throw new TypeError(`bad program name "${name}"`);
  return fileURLToPath(new URL(`../../../programs/${name}.mjs`, import.meta.url));
}

/** One control line a program printed on stdout: `{"event": "...", ...}`. */
export interface ProgramEvent {
  readonly event: string;
  readonly [key: string]: unknown;
}

/** A program did not say what the lab waited for in time, or exited first. */
export class LabProgramError extends Error {
  constructor(
    readonly program: string,
    message: string,
    readonly stderr: string,
  ) {
    super(`${program}: ${message}${stderr.trim() === '' ? '' : ` (stderr: ${stderr.trim()})`}`);
    this.name = 'LabProgramError';
  }
}

/**
 * A Node program running inside a lab namespace. Its app log (what an engineer would collect)
 * goes to the file named in its arguments; stdout carries JSON control events the lab waits
 * on, and stdin takes lines (`go`, …) that release a program paused at an `await` step.
 */
export class LabProgram {
  readonly events: ProgramEvent[] = [];
  private stderr = '';
  private pending = '';
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.onStdout(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts `node programs/<name>.mjs '<json>'` in a role's namespace. */
  static start(lab: LabTopology, role: string, name: string, args: object): LabProgram {
    const child = spawn(
      'ip',
      ['netns', 'exec', lab.ns(role), process.execPath, programPath(name), JSON.stringify(args)],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    lab.track(child);
    return new LabProgram(`${name}@${role}`, child);
  }

  /** Resolves with the first event (seen so far or later) that matches. */
  async waitFor(
    match: string | ((event: ProgramEvent) => boolean),
    timeoutMs = 10_000,
  ): Promise<ProgramEvent> {
    const test = typeof match === 'string' ? (e: ProgramEvent) => e.event === match : match;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(test);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new LabProgramError(this.name, `exited before ${describe(match)}`, this.stderr);
      if (Date.now() > deadline)
        throw new LabProgramError(
          this.name,
          `no ${describe(match)} after ${timeoutMs} ms`,
          this.stderr,
        );
      await sleep(10);
    }
  }

  /** Writes one line to the program's stdin (releases an `await` step). */
  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** Waits for the program to end by itself; kills it past the timeout. */
  async finished(timeoutMs = 10_000): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** Ends it now (SIGTERM, then SIGKILL) and waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.finished(2000);
  }

  errors(): string {
    return this.stderr;
  }

  private onStdout(text: string): void {
    this.pending += text;
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      const line = this.pending.slice(0, newline).trim();
      this.pending = this.pending.slice(newline + 1);
      if (line.startsWith('{')) {
        try {
          this.events.push(JSON.parse(line) as ProgramEvent);
        } catch {
          // not a control line
        }
      }
      newline = this.pending.indexOf('\n');
    }
  }
}

function describe(match: string | ((event: ProgramEvent) => boolean)): string {
  return typeof match === 'string' ? `"${match}" event` : 'matching event';
}

/**
 * Any command in the background inside a lab namespace (tracked, so the lab's close() ends
 * it). With `stdoutFile` its output goes straight to that file.
 */
export function spawnInNamespace(
  lab: LabTopology,
  role: string,
  argv: readonly string[],
  options: { stdoutFile?: string } = {},
): BackgroundProcess {
  const background = startBackground(lab.ns(role), argv, options);
  lab.track(background.child);
  return background;
}

/** Runs a command to completion in a lab namespace; a failure carries its stderr. */
export function runInNamespace(lab: LabTopology, role: string, argv: readonly string[]): string {
  return lab.run(role, argv);
}

export { LabCommandError };
