import { EventEmitter } from 'node:events';
import pg from 'pg';

/**
 * Analysis progress travels from workers to API processes through PostgreSQL
 * LISTEN/NOTIFY: the row update and its notification commit together, every API replica
 * hears every worker, and no second message bus is needed.
 */
export const ANALYSIS_EVENTS_CHANNEL = 'netmortem_analysis_progress';

export interface AnalysisProgressEvent {
  readonly analysisId: string;
  readonly teamId: string;
  readonly status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  readonly stage: string | null;
  readonly progress: number;
  readonly error: string | null;
}

/** Parses a notification payload; anything unexpected is dropped rather than trusted. */
export function parseAnalysisProgressEvent(
  payload: string | undefined,
): AnalysisProgressEvent | null {
  if (!payload) return null;
  try {
    const raw = JSON.parse(payload) as Record<string, unknown>;
    if (typeof raw.analysisId !== 'string' || typeof raw.teamId !== 'string') return null;
    return {
      analysisId: raw.analysisId,
      teamId: raw.teamId,
      status: (typeof raw.status === 'string'
        ? raw.status
        : ''
      ).toUpperCase() as AnalysisProgressEvent['status'],
      stage: typeof raw.stage === 'string' ? raw.stage : null,
      progress: typeof raw.progress === 'number' ? raw.progress : 0,
      error: typeof raw.error === 'string' ? raw.error : null,
    };
  } catch {
    return null;
  }
}

export interface AnalysisEventsListenerEvents {
  progress: [AnalysisProgressEvent];
  error: [Error];
}

/**
 * Holds one dedicated connection with LISTEN on the channel and re-establishes it after a
 * database restart, so subscriptions resume without restarting the API.
 */
export class AnalysisEventsListener extends EventEmitter<AnalysisEventsListenerEvents> {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly retryDelayMs = 1000,
  ) {
    super();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, keepAlive: true });
    client.on('notification', (message) => {
      const event = parseAnalysisProgressEvent(message.payload);
      if (event) this.emit('progress', event);
    });
    client.on('error', (error) => this.reconnectLater(client, error));
    client.on('end', () => this.reconnectLater(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${ANALYSIS_EVENTS_CHANNEL}`);
      this.client = client;
    } catch (error) {
      this.reconnectLater(client, error as Error);
    }
  }

  private reconnectLater(client: pg.Client, error?: Error): void {
    if (this.client === client) this.client = undefined;
    if (error && this.listenerCount('error') > 0) this.emit('error', error);
    client.removeAllListeners('end');
    client.end().catch(() => {});
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) void this.connect();
    }, this.retryDelayMs);
  }
}
