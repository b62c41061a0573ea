import {
  ArtifactRecorder,
  LabTopology,
  sleep,
  type LabContext,
  type LabDefinition,
  type LabExpectation,
} from '../kit/index.js';
import {
  SHORT_CLOSE_TIMEOUTS,
  STATEFUL_FORWARD_RULES,
  routedSpec,
  serverAddress,
  snapshotEverything,
  statefulHostRules,
  withLab,
} from './healthy-lab-support.js';
import {
  clientOutcomes,
  requireAllOk,
  startHttpClient,
  startHttpServer,
} from './http-lab-programs.js';

/** Client and server on one link; the server's host firewall tracks connections. */
async function clientClosesDirect(ctx: LabContext): Promise<LabExpectation> {
  const lab = LabTopology.create(ctx.prefix, {
    namespaces: ['client', 'server'],
    links: [
      {
        a: { ns: 'client', dev: 'eth0', addresses: ['10.78.61.10/24'] },
        b: { ns: 'server', dev: 'eth0', addresses: ['10.78.61.20/24'] },
      },
    ],
    sysctls: { server: SHORT_CLOSE_TIMEOUTS },
  });
  return withLab(lab, async () => {
    lab.iptablesRestore('server', statefulHostRules([8080]));
    const rec = new ArtifactRecorder(lab, ctx.outDir);
    await rec.startCapture({ role: 'server', iface: 'eth0' });
    await rec.startConntrackEvents({ role: 'server' });
    const server = await startHttpServer(lab, 'server', {
      host: '0.0.0.0',
      port: 8080,
      logFile: rec.file('server.log'),
      runForMs: 15_000,
    });
    const client = startHttpClient(lab, 'client', {
      target: { host: '10.78.61.20', port: 8080 },
      logFile: rec.file('client.log'),
      sessions: [
        {
          count: 4,
          spacingMs: 150,
          requests: [
            { path: '/bytes/2000' },
            { path: '/bytes/40000', idleBeforeMs: 100 },
            { method: 'POST', path: '/api/items', bodyBytes: 3000, idleBeforeMs: 100 },
          ],
        },
      ],
    });
    requireAllOk(await clientOutcomes(client, 10_000));
    // Long enough for TIME_WAIT entries (1 s here) to be destroyed while events are recorded.
    await sleep(2500);
    await server.stop();
    snapshotEverything(rec, 'server');
    await rec.finish('server');
    return { rootCause: null };
  });
}

/** Through a stateful router; the server answers "Connection: close" and closes first. */
async function serverClosesRouted(ctx: LabContext): Promise<LabExpectation> {
  const lab = LabTopology.create(
    ctx.prefix,
    routedSpec(62, 63, { routerSysctls: SHORT_CLOSE_TIMEOUTS }),
  );
  return withLab(lab, async () => {
    lab.iptablesRestore('router', STATEFUL_FORWARD_RULES);
    const rec = new ArtifactRecorder(lab, ctx.outDir);
    await rec.startConntrackEvents({ role: 'router', timestamps: false });
    const server = await startHttpServer(lab, 'server', {
      host: '0.0.0.0',
      port: 9000,
      logFile: rec.file('server.log'),
      runForMs: 15_000,
    });
    const client = startHttpClient(lab, 'client', {
      target: { host: serverAddress(63), port: 9000 },
      logFile: rec.file('client.log'),
      sessions: [
        {
          count: 6,
          spacingMs: 100,
          closeWhenDone: false,
          requests: [
            { path: '/bytes/1200' },
            { path: '/bytes/800', closeHeader: true, idleBeforeMs: 50 },
          ],
        },
      ],
    });
    requireAllOk(await clientOutcomes(client, 10_000));
    await sleep(2000);
    await server.stop();
    rec.snapshot('client', ['sockets', 'nstat']);
    rec.snapshot('router', ['conntrack-table', 'conntrack-stats', 'iptables', 'sysctl', 'uname']);
    await rec.finish('router');
    return { rootCause: null };
  });
}

export const healthyCleanCloseLab: LabDefinition = {
  id: 'healthy-clean-close',
  rootCause: null,
  title: 'Healthy: request/response connections that close with FIN',
  description:
    'Keep-alive HTTP exchanges that end the ordinary way: the client (or, with "Connection: close", the ' +
    'server) sends FIN, the peer answers with its own FIN, the closer sits in TIME_WAIT and conntrack ' +
    'walks the flow through FIN_WAIT/TIME_WAIT to DESTROY. Stateful firewalls with be_liberal=0 and no ' +
    'INVALID drop rule are in place, a latent risk and nothing more. No finding is expected.',
  variants: [
    {
      id: 'direct-client-closes-full-artifacts',
      summary:
        'client and server on one link, server-side capture, conntrack -E -o timestamp and every snapshot on the server',
      run: clientClosesDirect,
    },
    {
      id: 'routed-server-closes-events-only',
      summary:
        'through a stateful router, the server closes first; plain conntrack -E and state on the router, ss on the client',
      run: serverClosesRouted,
    },
  ],
};
