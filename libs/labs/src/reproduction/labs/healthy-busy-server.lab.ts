import { sleep, type LabContext, type LabDefinition, type LabExpectation } from '../kit/index.js';
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
  statefulHostRules,
} from './healthy-lab-support.js';
import { startHttpClient } from './http-lab-programs.js';

/** Waves of short connections against a server that accepts promptly (backlog 511). */
function shortConnectionWaves(ctx: LabContext): Promise<LabExpectation> {
  const topology = onOneLinkSpec(
    80,
    { ns: 'client', host: 10 },
    { ns: 'server', host: 20 },
    { server: SHORT_CLOSE_TIMEOUTS },
  );
  const rules = { server: statefulHostRules([8080]) };
  return recordHealthyVariant(ctx, { topology, rules, finishOn: 'server' }, async (lab, rec) => {
    await rec.startCapture({
      role: 'server',
      iface: 'eth0',
      snaplen: 256,
      file: 'server-eth0.pcap',
    });
    rec.snapshot('server', ['nstat'], { prefix: 'before-' });
    const waves = Array.from({ length: 6 }, (_, wave) => ({
      count: 12,
      startAtMs: wave * 300,
      requests: [{ path: '/bytes/1200', closeHeader: true }],
      closeWhenDone: false,
    }));
    await cleanExchange({
      listeners: [
        serveHttp(lab, 'server', listeningServer(8080, rec.file('server.log'), { backlog: 511 })),
      ],
      client: () =>
        startHttpClient(lab, 'client', {
          target: { host: '10.78.80.20', port: 8080 },
          logFile: rec.file('client.log'),
          sessions: waves,
        }),
      whileClientRuns: async () => {
        await sleep(800);
        rec.command('server', ['ss', '-ltn'], 'ss-ltn.txt');
      },
    });
    rec.snapshot('server', [
      'sockets',
      'nstat',
      'sysctl',
      'iptables',
      'conntrack-stats',
      'conntrack-count',
      'uname',
    ]);
  });
}

/** A pool of keep-alive connections, many requests each, through a stateful router. */
function keepalivePoolRouted(ctx: LabContext): Promise<LabExpectation> {
  const topology = routedSpec(81, 82, { routerSysctls: SHORT_CLOSE_TIMEOUTS });
  const rules = { router: STATEFUL_FORWARD_RULES };
  return recordHealthyVariant(ctx, { topology, rules, finishOn: 'client' }, async (lab, rec) => {
    await rec.startCapture({ role: 'client', iface: 'eth0', snaplen: 256 });
    await cleanExchange({
      listeners: [
        serveHttp(lab, 'server', listeningServer(3000, rec.file('server.log'), { backlog: 1024 })),
      ],
      client: () =>
        startHttpClient(lab, 'client', {
          target: { host: serverAddress(82), port: 3000 },
          logFile: rec.file('client.log'),
          sessions: [
            {
              count: 24,
              spacingMs: 20,
              requests: Array.from({ length: 6 }, (_, index) => ({
                path: `/bytes/${500 + index * 700}`,
                idleBeforeMs: 60,
              })),
            },
          ],
        }),
      settleMs: 1500,
    });
    rec.snapshot('server', ['sockets', 'nstat'], { prefix: 'server-' });
    rec.snapshot('router', ['conntrack-stats', 'conntrack-count', 'iptables', 'sysctl', 'uname']);
  });
}

export const healthyBusyServerLab: LabDefinition = {
  id: 'healthy-busy-server',
  rootCause: null,
  title: 'Healthy: a busy server that keeps up',
  description:
    'Dozens of connections arrive in bursts at a server with an ordinary backlog that accepts promptly: ' +
    'the accept queue stays far below its limit (ss -ltn Recv-Q near 0 against Send-Q 511), ' +
    'TcpExtListenOverflows/ListenDrops stay 0, every handshake completes on the first SYN and every ' +
    'connection ends with FIN. Many connections and TIME_WAIT sockets alone are not a failure.',
  variants: [
    {
      id: 'short-connection-waves-server-capture',
      summary:
        '72 one-request connections in six waves, server closes; server capture (snaplen 256), ss -ltn, nstat before/after',
      run: shortConnectionWaves,
    },
    {
      id: 'keepalive-pool-through-router-client-capture',
      summary:
        '24 keep-alive connections x 6 requests through a stateful router; client capture, router conntrack -S/-C',
      run: keepalivePoolRouted,
    },
  ],
};
