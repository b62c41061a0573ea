import { sleep, type LabContext, type LabDefinition, type LabExpectation } from '../kit/index.js';
import { listeningServer, recordHealthyVariant } from './healthy-lab-scaffold.js';
import {
  SHORT_CLOSE_TIMEOUTS,
  STATEFUL_FORWARD_RULES,
  onOneLinkSpec,
  routedSpec,
  serverAddress,
  serviceDnatRules,
} from './healthy-lab-support.js';
import {
  clientOutcomes,
  requireAllOk,
  startHttpClient,
  startHttpServer,
  type ConnectionOutcome,
} from './http-lab-programs.js';

/** Every connection to the closed port was refused, every other one worked. */
function requireRefusedOnly(outcomes: readonly ConnectionOutcome[], closedPort: number): void {
  const toClosed = outcomes.filter((o) => o.remote.endsWith(`:${closedPort}`));
  if (toClosed.length === 0 || toClosed.some((o) => o.outcome !== 'ECONNREFUSED'))
    throw new Error(
      `expected refused connections to port ${closedPort}, got ${JSON.stringify(toClosed)}`,
    );
  requireAllOk(outcomes.filter((o) => !o.remote.endsWith(`:${closedPort}`)));
}

/** A client tries a port nobody listens on and gets the kernel's RST; the real port works. */
function directRefused(ctx: LabContext): Promise<LabExpectation> {
  const topology = onOneLinkSpec(72, { ns: 'client', host: 10 }, { ns: 'server', host: 20 });
  return recordHealthyVariant(ctx, { topology, finishOn: 'client' }, async (lab, rec) => {
    await rec.startCapture({ role: 'client', iface: 'eth0', file: 'client-eth0.pcap' });
    const server = await startHttpServer(
      lab,
      'server',
      listeningServer(8080, rec.file('server.log')),
    );
    const logFile = rec.file('client.log');
    const good = startHttpClient(lab, 'client', {
      target: { host: '10.78.72.20', port: 8080 },
      logFile,
      sessions: [{ count: 2, spacingMs: 100, requests: [{ path: '/bytes/400' }] }],
    });
    const outcomes = await clientOutcomes(good, 8000);
    // A deployment pointed at the wrong port: refused at once, and retried once.
    const wrong = startHttpClient(lab, 'client', {
      target: { host: '10.78.72.20', port: 8081 },
      logFile,
      sessions: [{ count: 2, spacingMs: 500, requests: [{ path: '/healthz' }] }],
    });
    outcomes.push(...(await clientOutcomes(wrong, 8000)));
    requireRefusedOnly(outcomes, 8081);
    await server.stop();
    rec.snapshot('client', ['sockets', 'nstat', 'sysctl', 'uname']);
    rec.snapshot('server', ['sockets'], { prefix: 'server-' });
  });
}

/**
 * A service DNATed to a backend port where nothing listens (a pod not ready yet): the
 * backend's RST comes back through the NAT and conntrack closes the entry.
 */
function dnatBackendRefused(ctx: LabContext): Promise<LabExpectation> {
  const topology = routedSpec(73, 74, { routerSysctls: SHORT_CLOSE_TIMEOUTS });
  const backend = serverAddress(74);
  const rules = {
    router: `${STATEFUL_FORWARD_RULES}${serviceDnatRules('10.78.200.21', 80, [`${backend}:9090`], 'eth-s0')}`,
  };
  return recordHealthyVariant(ctx, { topology, rules, finishOn: 'router' }, async (lab, rec) => {
    await rec.startConntrackEvents({ role: 'router' });
    const server = await startHttpServer(
      lab,
      'server',
      listeningServer(8080, rec.file('server.log')),
    );
    const logFile = rec.file('client.log');
    const direct = startHttpClient(lab, 'client', {
      target: { host: backend, port: 8080 },
      logFile,
      sessions: [{ requests: [{ path: '/bytes/300' }] }],
    });
    const outcomes = await clientOutcomes(direct, 8000);
    const viaService = startHttpClient(lab, 'client', {
      target: { host: '10.78.200.21', port: 80 },
      logFile,
      sessions: [{ count: 3, spacingMs: 300, requests: [{ path: '/' }] }],
    });
    outcomes.push(...(await clientOutcomes(viaService, 8000)));
    requireRefusedOnly(outcomes, 80);
    await sleep(1500);
    await server.stop();
    rec.snapshot('router', [
      'conntrack-table',
      'conntrack-stats',
      'iptables',
      'sysctl',
      'uname',
      'nstat',
    ]);
  });
}

export const healthyConnectionRefusedLab: LabDefinition = {
  id: 'healthy-connection-refused',
  rootCause: null,
  title: 'Healthy: a connection refused because nothing listens',
  description:
    'A SYN to a port without a listener is answered at once by the kernel with RST/ACK, and the client ' +
    'reports "connect: connection refused". That RST is the ordinary answer, not a root cause from the ' +
    'catalogue: no established flow is torn down, no SYN is retried by the kernel. One variant dials the ' +
    'wrong port directly next to working connections; the other reaches a not-yet-listening backend ' +
    "through a service DNAT, where conntrack shows NEW and, as soon as the backend's RST passes, DESTROY in " +
    'state CLOSE with the entry still [UNREPLIED].',
  variants: [
    {
      id: 'direct-wrong-port-client-capture',
      summary:
        'wrong port on the same link, next to working requests; client capture, ss, nstat, sysctl',
      run: directRefused,
    },
    {
      id: 'dnat-backend-not-listening-events',
      summary:
        'service DNAT to a backend port nobody listens on; conntrack -E -o timestamp and state on the router',
      run: dnatBackendRefused,
    },
  ],
};
