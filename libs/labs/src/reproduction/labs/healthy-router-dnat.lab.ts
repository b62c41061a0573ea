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
  routedSpec,
  serverAddress,
  serviceDnatRules,
  snapshotEverything,
} from './healthy-lab-support.js';
import { startHttpClient } from './http-lab-programs.js';

/** One backend behind a service address, masqueraded; events with timestamps. */
function singleBackend(ctx: LabContext): Promise<LabExpectation> {
  const topology = routedSpec(75, 76, { routerSysctls: SHORT_CLOSE_TIMEOUTS });
  const rules = {
    router: `${STATEFUL_FORWARD_RULES}${serviceDnatRules('10.78.200.30', 443, [`${serverAddress(76)}:8443`], 'eth-s0')}`,
  };
  return recordHealthyVariant(ctx, { topology, rules, finishOn: 'router' }, async (lab, rec) => {
    await rec.startCapture({ role: 'router', iface: 'eth-s0', file: 'node-backend-side.pcap' });
    await rec.startConntrackEvents({ role: 'router' });
    await cleanExchange({
      listeners: [serveHttp(lab, 'server', listeningServer(8443, rec.file('backend.log')))],
      client: () =>
        startHttpClient(lab, 'client', {
          target: { host: '10.78.200.30', port: 443 },
          logFile: rec.file('client.log'),
          sessions: [
            {
              count: 5,
              spacingMs: 200,
              requests: [
                { path: '/bytes/1500' },
                { path: '/bytes/6000', idleBeforeMs: 150, closeHeader: true },
              ],
              closeWhenDone: false,
            },
          ],
        }),
      settleMs: 2500,
    });
    snapshotEverything(rec, 'router');
  });
}

/**
 * Two backends picked in turn (statistic nth, as kube-proxy spreads them), not masqueraded;
 * plain events.
 */
function twoBackends(ctx: LabContext): Promise<LabExpectation> {
  const roles = ['backa', 'backb'];
  const topology = routedSpec(77, 78, { servers: roles, routerSysctls: SHORT_CLOSE_TIMEOUTS });
  const backends = roles.map((_, index) => `${serverAddress(78, index)}:8080`);
  const rules = {
    router: `${STATEFUL_FORWARD_RULES}${serviceDnatRules('10.78.200.31', 80, backends, null)}`,
  };
  return recordHealthyVariant(ctx, { topology, rules, finishOn: 'router' }, async (lab, rec) => {
    await rec.startCapture({ role: 'client', iface: 'eth0', snaplen: 256 });
    await rec.startConntrackEvents({ role: 'router', timestamps: false });
    await cleanExchange({
      listeners: roles.map((role, index) =>
        serveHttp(
          lab,
          role,
          listeningServer(8080, rec.file(`${role}.log`), { name: `backend-${index}` }),
        ),
      ),
      client: () =>
        startHttpClient(lab, 'client', {
          target: { host: '10.78.200.31', port: 80 },
          logFile: rec.file('client.log'),
          sessions: [
            {
              count: 6,
              spacingMs: 150,
              requests: [{ path: '/bytes/900' }, { path: '/bytes/900' }],
            },
          ],
        }),
      settleMs: 2000,
    });
    rec.snapshot('router', ['conntrack-table', 'conntrack-stats', 'iptables', 'sysctl', 'nstat']);
    rec.snapshot('client', ['sockets', 'uname'], { prefix: 'client-' });
  });
}

export const healthyRouterDnatLab: LabDefinition = {
  id: 'healthy-router-dnat',
  rootCause: null,
  title: 'Healthy: connections through a service DNAT with a clean conntrack life cycle',
  description:
    'A router DNATs a service address to one or two backends and masquerades toward them. Each flow ' +
    'shows the ordinary conntrack story: NEW (SYN_SENT), UPDATE to SYN_RECV and ESTABLISHED [ASSURED], ' +
    'FIN_WAIT/CLOSE_WAIT/LAST_ACK/TIME_WAIT updates as both sides close, then DESTROY after the (shrunk) ' +
    'TIME_WAIT timeout; replies are un-NATed, nothing is INVALID and no RST appears.',
  variants: [
    {
      id: 'single-backend-masquerade-timestamped-events',
      summary:
        "one backend, masquerade, server closes first; capture on the node's backend link, conntrack -E -o timestamp, every snapshot",
      run: singleBackend,
    },
    {
      id: 'two-backends-nth-plain-events-client-capture',
      summary:
        'two backends in turn (statistic nth), client closes; client capture (snaplen 256), plain conntrack -E',
      run: twoBackends,
    },
  ],
};
