import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LabProgram, type LabTopology } from '../kit/index.js';
import type { HostPort } from './sidecar-lab-programs.js';

/** Arguments of programs/tls-server.mjs. */
export interface TlsServerArgs {
  listen: HostPort;
  certFile: string;
  keyFile: string;
  idleTimeoutMs: number;
  closeGapMs?: number;
  logFile?: string;
  name?: string;
}

/** Arguments of programs/tls-client.mjs. */
export interface TlsClientArgs {
  target: HostPort;
  queries: string[];
  holdMs: number;
  logFile?: string;
  name?: string;
}

/** Arguments of programs/port-forward-relay.mjs. */
export interface PortForwardRelayArgs {
  listen: HostPort;
  target: HostPort;
  pod: string;
  netnsPath: string;
  logFile?: string;
}

/** Arguments of programs/http-keepalive-server.mjs. */
export interface KeepAliveServerArgs {
  listen: HostPort;
  idleTimeoutMs: number;
  stallAfterFirstRequest?: { atMs: number; forMs: number };
  logFile?: string;
}

/** One request of programs/pooled-http-client.mjs. */
export interface PooledRequest {
  path: string;
  afterMs?: number;
  stallMs?: number;
}

export interface PooledClientArgs {
  target: HostPort;
  requests: PooledRequest[];
  userAgent?: string;
  logFile?: string;
  name?: string;
}

/** Starts a program and waits for its `listening` event. */
export async function startListening(
  lab: LabTopology,
  role: string,
  program: 'tls-server' | 'port-forward-relay' | 'http-keepalive-server',
  args: TlsServerArgs | PortForwardRelayArgs | KeepAliveServerArgs,
): Promise<LabProgram> {
  const started = LabProgram.start(lab, role, program, args);
  await started.waitFor('listening');
  return started;
}

export function startTlsClient(lab: LabTopology, role: string, args: TlsClientArgs): LabProgram {
  return LabProgram.start(lab, role, 'tls-client', args);
}

export function startPooledClient(
  lab: LabTopology,
  role: string,
  args: PooledClientArgs,
): LabProgram {
  return LabProgram.start(lab, role, 'pooled-http-client', args);
}

/** openssl failed to make the lab's certificate. */
export class LabCertificateError extends Error {
  constructor(cause: unknown) {
    super(`openssl could not make the lab's TLS certificate: ${String(cause)}`, { cause });
    this.name = 'LabCertificateError';
  }
}

/** A throwaway self-signed certificate (P-256) in a temporary directory outside the bundle. */
export interface LabCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  remove(): void;
}

export function makeLabCertificate(commonName: string): LabCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'nmlab-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        `/CN=${commonName}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new LabCertificateError(error);
  }
  return { certFile, keyFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
