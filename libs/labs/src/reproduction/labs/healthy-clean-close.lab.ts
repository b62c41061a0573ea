import type { LabContext, LabDefinition, LabExpectation } from '../kit/index.js';
import {
  cleanExchange,
  listeningServer,
  recordHealthyVariant,
  serveHttp,
} from './healthy-lab-scaffold.js';
import {
  SHORT_CLOSE_TIMEOUTS,
  STATEFUL_FORWARD_RULES,
  onOneLinkSpec,
  routedSpec,
  serverAddress,
  snapshotEverything,
  statefulHostRules,
} from './healthy-lab-support.js';
import { startHttpClient } from './http-lab-programs.js';

/** Client and server on one link; the server's host firewall tracks connections. */
function clientClosesDirect(ctx: LabContext): Promise<LabExpectation> {
  const topology = onOneLinkSpec(
    61,
    { ns: 'client', host: 10 },
    { ns: 'server', host: 20 },
    { server: SHORT_CLOSE_TIMEOUTS },
  );
  const rules = { server: statefulHostRules([8080]) };
  return recordHealthyVariant(ctx, { topology, rules, finishOn: 'server' }, async (lab, rec) => {
    await rec.startCapture({ role: 'server', iface: 'eth0' });
    await rec.startConntrackEvents({ role: 'server' });
    await cleanExchange({
      listeners: [serveHttp(lab, 'server', listeningServer(8080, rec.file('server.log')))],
      client: () =>
        startHttpClient(lab, 'client', {
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
        }),
      // Long enough for TIME_WAIT entries (1 s here) to be destroyed while events are recorded.
      settleMs: 2500,
    });
    snapshotEverything(rec, 'server');
  });
}

/** Through a stateful router; the server answers "Connection: close" and closes first. */
function serverClosesRouted(ctx: LabContext): Promise<LabExpectation> {
  const topology = routedSpec(62, 63, { routerSysctls: SHORT_CLOSE_TIMEOUTS });
  const rules = { router: STATEFUL_FORWARD_RULES };
  return recordHealthyVariant(ctx, { topology, rules, finishOn: 'router' }, async (lab, rec) => {
    await rec.startConntrackEvents({ role: 'router', timestamps: false });
    await cleanExchange({
      listeners: [serveHttp(lab, 'server', listeningServer(9000, rec.file('server.log')))],
      client: () =>
        startHttpClient(lab, 'client', {
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
        }),
      settleMs: 2000,
    });
    rec.snapshot('client', ['sockets', 'nstat']);
    rec.snapshot('router', ['conntrack-table', 'conntrack-stats', 'iptables', 'sysctl', 'uname']);
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
