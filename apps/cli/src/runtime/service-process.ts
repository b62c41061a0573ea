import { spawn, type ChildProcess } from 'node:child_process';

export interface ServiceProcessOptions {
  readonly name: string;
  readonly entry: string;
  readonly env: NodeJS.ProcessEnv;
  /** Node options for the child, e.g. the small young generation workers run with. */
  readonly nodeFlags?: readonly string[];
}

/**
 * One child Node process (the API or a worker) whose output goes straight to ours, and
 * which can be stopped gracefully (SIGTERM, then SIGKILL after a grace period).
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(private readonly options: ServiceProcessOptions) {}

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(onUnexpectedExit: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    const child = spawn(process.execPath, [...(this.options.nodeFlags ?? []), this.options.entry], {
      env: this.options.env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.child === child) {
          this.child = undefined;
          onUnexpectedExit(code, signal);
        }
        resolve(code);
      });
    });
  }

  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
