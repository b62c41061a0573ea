import { LabProgram, type LabTopology, type ProgramEvent } from '../kit/index.js';

/** Arguments of programs/tcp-server.mjs. */
export interface TcpServerArgs {
  listen: { host: string; port: number }[];
  logFile?: string;
  label?: string;
  mode?: 'echo' | 'discard' | 'reply';
  reply?: string;
  onEnd?: 'close' | 'keep' | { afterMs: number };
  replyDelayMs?: number;
  endAfterReplies?: number;
  backlog?: number;
}

export type TcpClientStep =
  | { write: string }
  | { writeBytes: number }
  | { read: { bytes?: number; timeoutMs?: number } }
  | { sleepMs: number }
  | { await: string }
  | { mark: string }
  | { end: true }
  | { waitEnd: { timeoutMs?: number } }
  | { close: true | { timeoutMs: number } }
  | { destroy: true };

/** Arguments of programs/tcp-client.mjs. */
export interface TcpClientArgs {
  target: string;
  localAddress?: string;
  localPort?: number;
  logFile?: string;
  label?: string;
  connections?: number;
  staggerMs?: number;
  connectTimeoutMs?: number;
  keepAliveMs?: number;
  steps: TcpClientStep[];
}

/** One connection's end as tcp-client reports it in its `done` event. */
export interface TcpClientResult {
  conn: number;
  ok: boolean;
  op?: string;
  code?: string;
  local?: string;
  ms: number;
}

export async function startTcpServer(
  lab: LabTopology,
  role: string,
  args: TcpServerArgs,
): Promise<LabProgram> {
  const server = LabProgram.start(lab, role, 'tcp-server', args);
  await server.waitFor('listening');
  return server;
}

export function startTcpClient(lab: LabTopology, role: string, args: TcpClientArgs): LabProgram {
  return LabProgram.start(lab, role, 'tcp-client', args);
}

/** The per-connection results of a finished tcp-client. */
export async function clientResults(
  client: LabProgram,
  timeoutMs = 15_000,
): Promise<TcpClientResult[]> {
  const done: ProgramEvent = await client.waitFor('done', timeoutMs);
  return done.results as TcpClientResult[];
}
