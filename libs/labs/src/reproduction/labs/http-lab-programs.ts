import { LabProgram, type LabTopology } from '../kit/index.js';

/** Arguments of programs/sized-response-http-server.mjs. */
export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  /** listen() backlog; the kernel caps it at net.core.somaxconn. */
  readonly backlog?: number;
  /** SO_KEEPALIVE with this idle time on every accepted connection. */
  readonly keepAliveProbeDelayMs?: number;
  readonly name?: string;
  readonly logFile?: string;
  readonly runForMs?: number;
}

/** One request of a scripted connection: `GET /bytes/N`, `GET /work/MS` or a POST body. */
export interface HttpRequestStep {
  readonly method?: 'GET' | 'POST';
  readonly path: string;
  readonly bodyBytes?: number;
  /** Idle time on the open connection before this request. */
  readonly idleBeforeMs?: number;
  /** Ask the server to close after answering (it sends the first FIN). */
  readonly closeHeader?: boolean;
}

/** `count` identical connections, the first at `startAtMs`, then one every `spacingMs`. */
export interface HttpSession {
  readonly count?: number;
  readonly startAtMs?: number;
  readonly spacingMs?: number;
  /** An application-level connect timeout; without it the kernel's SYN retries decide. */
  readonly connectTimeoutMs?: number;
  readonly responseTimeoutMs?: number;
  readonly keepAliveProbeDelayMs?: number;
  /** Close (FIN) after the last request; default true. */
  readonly closeWhenDone?: boolean;
  readonly requests: readonly HttpRequestStep[];
}

/** Arguments of programs/scripted-http-client.mjs. */
export interface HttpClientOptions {
  readonly target: { readonly host: string; readonly port: number };
  readonly localAddress?: string;
  readonly name?: string;
  readonly logFile?: string;
  readonly runForMs?: number;
  readonly sessions: readonly HttpSession[];
}

/** What one scripted connection ended with, as the client program reports it. */
export interface ConnectionOutcome {
  readonly id: number;
  /** The client socket, `ip:port` (`[v6]:port` for IPv6). */
  readonly local: string;
  readonly remote: string;
  readonly connectMs: number | null;
  readonly responses: readonly { status: string; bytes: number; ms: number }[];
  /** `ok`, an errno such as `ECONNRESET`, or `CONNECT_TIMEOUT`, `RESPONSE_TIMEOUT`, `EOF`. */
  readonly outcome: string;
  readonly error: string | null;
}

/** A program's report was not what the lab expects. */
export class LabReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabReportError';
  }
}

/** Starts the HTTP server in a role's namespace and waits until it listens. */
export async function startHttpServer(
  lab: LabTopology,
  role: string,
  options: HttpServerOptions,
): Promise<LabProgram> {
  const server = LabProgram.start(lab, role, 'sized-response-http-server', options);
  await server.waitFor('listening');
  return server;
}

export function startHttpClient(
  lab: LabTopology,
  role: string,
  options: HttpClientOptions,
): LabProgram {
  return LabProgram.start(lab, role, 'scripted-http-client', options);
}

/** Waits for the client's final report and returns every connection's outcome. */
export async function clientOutcomes(
  client: LabProgram,
  timeoutMs: number,
): Promise<ConnectionOutcome[]> {
  const done = await client.waitFor('done', timeoutMs);
  return parseOutcomes(done.results);
}

export function parseOutcomes(results: unknown): ConnectionOutcome[] {
  if (!Array.isArray(results)) throw new LabReportError('client reported no results array');
  return results.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null)
      throw new LabReportError(`client result ${index} is not an object`);
    const record = entry as Record<string, unknown>;
    if (typeof record.local !== 'string' || typeof record.outcome !== 'string')
      throw new LabReportError(`client result ${index} lacks its local socket or outcome`);
    return record as unknown as ConnectionOutcome;
  });
}

/** The first connection (in the order the client opened them) that ended in one of `outcomes`. */
export function firstOutcome(
  results: readonly ConnectionOutcome[],
  outcomes: readonly string[],
): ConnectionOutcome {
  const found = [...results].sort((a, b) => a.id - b.id).find((r) => outcomes.includes(r.outcome));
  if (!found)
    throw new LabReportError(
      `no connection ended with ${outcomes.join(' or ')}; outcomes: ${results
        .map((r) => r.outcome)
        .join(', ')}`,
    );
  return found;
}

/** Fails the lab when any connection did not end well (healthy labs must be healthy). */
export function requireAllOk(results: readonly ConnectionOutcome[], except: string[] = []): void {
  const bad = results.filter((r) => r.outcome !== 'ok' && !except.includes(r.outcome));
  if (bad.length > 0)
    throw new LabReportError(
      `expected clean exchanges, but ${bad.length} failed: ${bad
        .slice(0, 3)
        .map((r) => `${r.local} ${r.error ?? r.outcome}`)
        .join('; ')}`,
    );
}
