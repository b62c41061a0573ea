import {
  LabProgram,
  type ArtifactRecorder,
  type LabContext,
  type LabDefinition,
  type LabExpectation,
  type LabTopology,
} from '../kit/index.js';
import {
  cleanExchange,
  listeningServer,
  recordHealthyVariant,
  serveHttp,
} from './healthy-lab-scaffold.js';
import { SHORT_CLOSE_TIMEOUTS, onOneLinkSpec, snapshotEverything } from './healthy-lab-support.js';
import { startHttpClient } from './http-lab-programs.js';

/** The sidecar runs as this uid; the OUTPUT REDIRECT skips its own connections by owner. */
const PROXY_UID = 1337;

async function startSidecar(
  lab: LabTopology,
  role: string,
  rec: ArtifactRecorder,
  listenPort: number,
  upstream: { host: string; port: number },
): Promise<LabProgram> {
  const proxy = LabProgram.start(lab, role, 'sidecar-proxy', {
    listen: { host: '0.0.0.0', port: listenPort },
    upstream,
    idleTimeoutMs: 3_600_000,
    uid: PROXY_UID,
    accessLog: rec.file('sidecar-access.log'),
    logFile: rec.file('sidecar.log'),
    runForMs: 20_000,
  });
  await proxy.waitFor('listening');
  return proxy;
}

/**
 * Inbound, as Istio captures it: traffic for the pod's port 8080 is REDIRECTed to the proxy on
 * 15006, which forwards it to the app over loopback. FINs pass through in both directions.
 */
function inboundRedirect(ctx: LabContext): Promise<LabExpectation> {
  const topology = onOneLinkSpec(
    70,
    { ns: 'client', host: 10 },
    { ns: 'pod', host: 20 },
    { pod: SHORT_CLOSE_TIMEOUTS },
  );
  const rules = {
    pod: `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:LAB_INBOUND - [0:0]
-A PREROUTING -p tcp -j LAB_INBOUND
-A LAB_INBOUND -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 15006
COMMIT`,
  };
  return recordHealthyVariant(ctx, { topology, rules, finishOn: 'pod' }, async (lab, rec) => {
    await rec.startCapture({ role: 'pod', iface: 'eth0', file: 'pod-eth0.pcap' });
    await rec.startConntrackEvents({ role: 'pod' });
    await cleanExchange({
      listeners: [
        serveHttp(
          lab,
          'pod',
          listeningServer(8080, rec.file('app.log'), { host: '127.0.0.1', runForMs: 20_000 }),
        ),
        () => startSidecar(lab, 'pod', rec, 15006, { host: '127.0.0.1', port: 8080 }),
      ],
      client: () =>
        startHttpClient(lab, 'client', {
          target: { host: '10.78.70.20', port: 8080 },
          logFile: rec.file('client.log'),
          sessions: [
            {
              count: 3,
              spacingMs: 200,
              requests: [
                { path: '/bytes/3000' },
                { method: 'POST', path: '/orders', bodyBytes: 1500, idleBeforeMs: 200 },
              ],
            },
          ],
        }),
      settleMs: 2000,
    });
    snapshotEverything(rec, 'pod');
  });
}

/**
 * Outbound: the app in the pod dials a service on port 80; OUTPUT REDIRECT hands the
 * connection to the sidecar on 15001 (its own connections, made as uid 1337, are exempt),
 * which opens a connection to the backend on 8080.
 */
function outboundRedirect(ctx: LabContext): Promise<LabExpectation> {
  const topology = onOneLinkSpec(
    71,
    { ns: 'pod', host: 10 },
    { ns: 'backend', host: 30 },
    { pod: SHORT_CLOSE_TIMEOUTS },
  );
  const rules = {
    pod: `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:LAB_OUTPUT - [0:0]
-A OUTPUT -p tcp -j LAB_OUTPUT
-A LAB_OUTPUT -m owner --uid-owner ${PROXY_UID} -j RETURN
-A LAB_OUTPUT -d 127.0.0.1/32 -j RETURN
-A LAB_OUTPUT -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 15001
COMMIT`,
  };
  return recordHealthyVariant(ctx, { topology, rules, finishOn: 'pod' }, async (lab, rec) => {
    await rec.startConntrackEvents({ role: 'pod', timestamps: true });
    await cleanExchange({
      listeners: [
        serveHttp(
          lab,
          'backend',
          listeningServer(8080, rec.file('backend.log'), { runForMs: 20_000 }),
        ),
        () => startSidecar(lab, 'pod', rec, 15001, { host: '10.78.71.30', port: 8080 }),
      ],
      client: () =>
        startHttpClient(lab, 'pod', {
          target: { host: '10.78.71.30', port: 80 },
          logFile: rec.file('app-client.log'),
          sessions: [
            {
              count: 4,
              spacingMs: 150,
              requests: [{ path: '/bytes/700' }, { path: '/bytes/9000', idleBeforeMs: 300 }],
            },
          ],
        }),
      settleMs: 2000,
    });
    rec.snapshot('pod', ['sockets', 'iptables', 'sysctl', 'conntrack-stats', 'uname']);
  });
}

export const healthySidecarRedirectLab: LabDefinition = {
  id: 'healthy-sidecar-redirect',
  rootCause: null,
  title: 'Healthy: sidecar-proxied traffic through iptables REDIRECT that closes cleanly',
  description:
    'An Envoy-like TCP sidecar (the same stand-in the sidecar failure labs use) behind iptables REDIRECT, ' +
    "inbound (PREROUTING to 15006, loopback to the app) and outbound (OUTPUT to 15001, the proxy's own " +
    'uid exempt). Half-closes are forwarded and both sides answer with their FIN, so every session ends ' +
    '"both directions closed" well before any timeout. The pod keeps be_liberal=0 without an INVALID ' +
    'drop rule, the precondition of ct-invalid-not-natted-rst: a latent risk, not a finding.',
  variants: [
    {
      id: 'inbound-redirect-full-artifacts',
      summary:
        'inbound REDIRECT to 15006; pod capture, conntrack -E -o timestamp, every snapshot, access log',
      run: inboundRedirect,
    },
    {
      id: 'outbound-redirect-events-no-capture',
      summary:
        'outbound OUTPUT REDIRECT to 15001 with an owner exemption; conntrack events, ss, iptables, sysctl, no capture',
      run: outboundRedirect,
    },
  ],
};
