import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ApiClient } from './api-client.js';
import { freePort } from './free-port.js';
import { API_ENTRY, CLI_ENTRY, RunningProcess, WORKER_ENTRY } from './service-process.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { TEST_REDIS_URL, dropQueuePrefix, testQueuePrefix } from './test-queue.js';

const run = promisify(execFile);

export interface TestStackOptions {
  /** Where the queue lives: Redis (the default deployment) or PostgreSQL (zero-install). */
  readonly queue: 'redis' | 'postgres';
  readonly workers?: number;
  readonly apiEnv?: Record<string, string>;
  readonly workerEnv?: Record<string, string>;
}

/**
 * The whole service for one test file: a fresh database, its own queue namespace and data
 * folder, the API and workers as real processes from the build. `stop()` removes it all.
 */
export class TestStack {
  readonly workers: RunningProcess[] = [];

  private constructor(
    readonly options: TestStackOptions,
    readonly database: TestDatabase,
    readonly prefix: string,
    readonly dataDir: string,
    readonly port: number,
    readonly api: RunningProcess,
  ) {}

  static async start(options: TestStackOptions): Promise<TestStack> {
    const database = await createTestDatabase();
    const prefix = testQueuePrefix();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'nm-e2e-'));
    const port = await freePort();
    const env = TestStack.baseEnv(options, database.url, prefix, dataDir);
    const api = new RunningProcess('api', API_ENTRY, [], {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...options.apiEnv,
    });
    const stack = new TestStack(options, database, prefix, dataDir, port, api);
    try {
      await api.waitForOutput(/"msg":"api listening"/);
      for (let i = 0; i < (options.workers ?? 1); i += 1) await stack.startWorker();
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  private static baseEnv(
    options: TestStackOptions,
    databaseUrl: string,
    prefix: string,
    dataDir: string,
  ): Record<string, string> {
    return {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      NETMORTEM_DATA_DIR: dataDir,
      NETMORTEM_QUEUE_PREFIX: prefix,
      ...(options.queue === 'redis' ? { REDIS_URL: TEST_REDIS_URL } : {}),
    };
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async startWorker(extraEnv: Record<string, string> = {}): Promise<RunningProcess> {
    const env = TestStack.baseEnv(this.options, this.database.url, this.prefix, this.dataDir);
    const worker = new RunningProcess(`worker-${this.workers.length + 1}`, WORKER_ENTRY, [], {
      ...env,
      ...this.options.workerEnv,
      ...extraEnv,
    });
    this.workers.push(worker);
    await worker.waitForOutput(/"msg":"worker ready"/);
    return worker;
  }

  /** A token of `team` (created if needed) through the documented CLI command. */
  async createToken(team: string, role: 'admin' | 'member' = 'admin'): Promise<string> {
    const { stdout } = await run(
      process.execPath,
      [CLI_ENTRY, 'admin', 'create-token', '--team', team, '--role', role],
      {
        env: { PATH: process.env.PATH, DATABASE_URL: this.database.url },
      },
    );
    return stdout.trim();
  }

  client(token: string | null, headers: Record<string, string> = {}): ApiClient {
    return new ApiClient(this.baseUrl, token, headers);
  }

  /** Everything the processes printed, for failure messages. */
  logs(): string {
    return [this.api, ...this.workers]
      .map((p) => `--- ${p.name}\n${p.text.slice(-4000)}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all([this.api, ...this.workers].map((process) => process.stop()));
    await this.database.drop().catch(() => {});
    if (this.options.queue === 'redis') await dropQueuePrefix(this.prefix).catch(() => {});
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
