import {
  sleep,
  type ArtifactRecorder,
  type LabContext,
  type LabExpectation,
  type LabProgram,
  type LabTopology,
} from '../kit/index.js';
import {
  clientOutcomes,
  requireAllOk,
  startHttpServer,
  type HttpServerOptions,
} from './http-lab-programs.js';
import { inRecordedLab, type LabSetup } from './lab-frame.js';

export interface HealthySetup extends LabSetup {
  /** The namespace whose view the manifest describes (the node the engineer collected on). */
  readonly finishOn: string;
}

/**
 * A healthy variant inside the shared lab frame: the body records, the bundle is closed from
 * `finishOn`'s view. What a healthy variant records differs; its expectation never does.
 */
export function recordHealthyVariant(
  ctx: LabContext,
  setup: HealthySetup,
  record: (lab: LabTopology, rec: ArtifactRecorder) => Promise<void>,
): Promise<LabExpectation> {
  return inRecordedLab(ctx, setup, async (lab, rec) => {
    await record(lab, rec);
    await rec.finish(setup.finishOn);
    return { rootCause: null };
  });
}

/** A server on every address of its namespace, logging into the bundle; up 15 s unless told. */
export function listeningServer(
  port: number,
  logFile: string,
  extra: Omit<Partial<HttpServerOptions>, 'port' | 'logFile'> = {},
): HttpServerOptions {
  return { host: '0.0.0.0', port, logFile, runForMs: 15_000, ...extra };
}

/** A listener for `cleanExchange`: the HTTP server, started in `role` when the exchange begins. */
export function serveHttp(
  lab: LabTopology,
  role: string,
  options: HttpServerOptions,
): () => Promise<LabProgram> {
  return () => startHttpServer(lab, role, options);
}

export interface CleanExchange {
  /** Started in this order before the client, stopped last-started first after it. */
  readonly listeners: readonly (() => Promise<LabProgram>)[];
  readonly client: () => LabProgram;
  /** How long the client may take to report; 10 s unless told. */
  readonly timeoutMs?: number;
  /** Runs while the client is at work, e.g. to look at the accept queue under load. */
  readonly whileClientRuns?: () => Promise<void>;
  /** Kept recording after the client, so closed flows reach DESTROY in the events. */
  readonly settleMs?: number;
}

/** Runs one exchange that must end well on every connection (a healthy lab must be healthy). */
export async function cleanExchange(exchange: CleanExchange): Promise<void> {
  const listeners: LabProgram[] = [];
  for (const start of exchange.listeners) listeners.push(await start());
  const client = exchange.client();
  await exchange.whileClientRuns?.();
  requireAllOk(await clientOutcomes(client, exchange.timeoutMs ?? 10_000));
  if (exchange.settleMs !== undefined) await sleep(exchange.settleMs);
  for (const listener of listeners.reverse()) await listener.stop();
}
