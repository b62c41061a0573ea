import { LabProgram, type LabTopology } from '../kit/index.js';

/** `host:port` as the programs take it. */
export interface HostPort {
  host: string;
  port: number;
}

/** Arguments of programs/sidecar-proxy.mjs (an Envoy tcp_proxy stand-in). */
export interface SidecarProxyArgs {
  listen: HostPort;
  upstream: HostPort;
  idleTimeoutMs: number;
  /** Drop to this uid, so an `--uid-owner` rule exempts the proxy's own connections. */
  uid?: number;
  /** Envoy default-format access log. */
  accessLog?: string;
  logFile?: string;
}

/** Arguments of programs/upstream-tcp-server.mjs. */
export interface UpstreamTcpServerArgs {
  listen: HostPort;
  reply?: string;
  closeAfterReplyMs?: number;
  unreadCloseAfterMs?: number;
  logFile?: string;
  name?: string;
}

/** One connection of programs/tcp-app-client.mjs. */
export interface AppConnection {
  target: HostPort;
  localPort?: number;
  startDelayMs?: number;
  connectTimeoutMs?: number;
  request?: string;
  afterReply?: string;
  closeAfterEofMs?: number;
  lingerAfterCloseMs?: number;
  holdMs?: number;
}

export interface TcpAppClientArgs {
  connections: AppConnection[];
  /** Number of the first connection in the log (a later run of the same app goes on counting). */
  firstId?: number;
  logFile?: string;
  name?: string;
}

/** The uid Istio runs its sidecar as; the OUTPUT rules exempt it. */
export const SIDECAR_UID = 1337;

export async function startSidecarProxy(
  lab: LabTopology,
  role: string,
  args: SidecarProxyArgs,
): Promise<LabProgram> {
  const proxy = LabProgram.start(lab, role, 'sidecar-proxy', args);
  await proxy.waitFor('listening');
  return proxy;
}

export async function startUpstreamServer(
  lab: LabTopology,
  role: string,
  args: UpstreamTcpServerArgs,
): Promise<LabProgram> {
  const server = LabProgram.start(lab, role, 'upstream-tcp-server', args);
  await server.waitFor('listening');
  return server;
}

/**
 * Istio's outbound layout: the upstream service in the `upstream` namespace and, in `pod`, the
 * sidecar's outbound listener on 15001 (the port the OUTPUT rules REDIRECT to), running as
 * SIDECAR_UID so its own connections are not captured again.
 */
export interface OutboundSidecarPath {
  readonly upstream: UpstreamTcpServerArgs;
  /** Where the sidecar forwards: the upstream itself, or the endpoint behind a Service. */
  readonly proxyTarget: HostPort;
  readonly idleTimeoutMs: number;
  readonly accessLog: string;
}

/** Starts the upstream, then the sidecar in front of it; returns the sidecar. */
export async function startOutboundSidecarPath(
  lab: LabTopology,
  path: OutboundSidecarPath,
): Promise<LabProgram> {
  await startUpstreamServer(lab, 'upstream', path.upstream);
  return startSidecarProxy(lab, 'pod', {
    listen: { host: '0.0.0.0', port: 15001 },
    upstream: path.proxyTarget,
    idleTimeoutMs: path.idleTimeoutMs,
    uid: SIDECAR_UID,
    accessLog: path.accessLog,
  });
}

export function startAppClient(lab: LabTopology, role: string, args: TcpAppClientArgs): LabProgram {
  return LabProgram.start(lab, role, 'tcp-app-client', args);
}

/** The `ip:port` a program reported in an event field, or an error naming what is missing. */
export function endpointField(event: Record<string, unknown>, field: string): string {
  const value = event[field];
  if (typeof value !== 'string' || !/:\d+$/.test(value))
    throw new Error(`event ${String(event.event)} has no ${field} endpoint`);
  return value;
}

/** Port of an `ip:port` endpoint. */
export function portOf(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
}
