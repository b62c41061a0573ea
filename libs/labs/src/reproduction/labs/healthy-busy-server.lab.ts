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
  statefulHostRules,
  withLab,
} from './healthy-lab-support.js';
import {
  clientOutcomes,
  requireAllOk,
  startHttpClient,
  startHttpServer,
} from './http-lab-programs.js';

/** Waves of short connections against a server that accepts promptly (backlog 511). */
async function shortConnectionWaves(ctx: LabContext): Promise<LabExpectation> {
  const lab = LabTopology.create(ctx.prefix, {
    namespaces: ['client', 'server'],
    links: [
      {
        a: { ns: 'client', dev: 'eth0', addresses: ['10.78.80.10/24'] },
        b: { ns: 'server', dev: 'eth0', addresses: ['10.78.80.20/24'] },
      },
    ],
    sysctls: { server: SHORT_CLOSE_TIMEOUTS },
  });
  return withLab(lab, async () => {
    lab.iptablesRestore('server', statefulHostRules([8080]));
    const rec = new ArtifactRecorder(lab, ctx.outDir);
    await rec.startCapture({
      role: 'server',
      iface: 'eth0',
      snaplen: 256,
      file: 'server-eth0.pcap',
    });
    rec.snapshot('server', ['nstat'], { prefix: 'before-' });
    const server = await startHttpServer(lab, 'server', {
      host: '0.0.0.0',
      port: 8080,
      backlog: 511,
      logFile: rec.file('server.log'),
      runForMs: 15_000,
    });
    const waves = Array.from({ length: 6 }, (_, wave) => ({
      count: 12,
      startAtMs: wave * 300,
      requests: [{ path: '/bytes/1200', closeHeader: true }],
      closeWhenDone: false,
    }));
    const client = startHttpClient(lab, 'client', {
      target: { host: '10.78.80.20', port: 8080 },
      logFile: rec.file('client.log'),
      sessions: waves,
    });
    await sleep(800);
    rec.command('server', ['ss', '-ltn'], 'ss-ltn.txt');
    requireAllOk(await clientOutcomes(client, 10_000));
    await server.stop();
    rec.snapshot('server', [
      'sockets',
      'nstat',
      'sysctl',
      'iptables',
      'conntrack-stats',
      'conntrack-count',
      'uname',
    ]);
    await rec.finish('server');
    return { rootCause: null };
  });
}

/** A pool of keep-alive connections, many requests each, through a stateful router. */
async function keepalivePoolRouted(ctx: LabContext): Promise<LabExpectation> {
  const lab = LabTopology.create(
    ctx.prefix,
    routedSpec(81, 82, { routerSysctls: SHORT_CLOSE_TIMEOUTS }),
  );
  return withLab(lab, async () => {
    lab.iptablesRestore('router', STATEFUL_FORWARD_RULES);
    const rec = new ArtifactRecorder(lab, ctx.outDir);
    await rec.startCapture({ role: 'client', iface: 'eth0', snaplen: 256 });
    const server = await startHttpServer(lab, 'server', {
      host: '0.0.0.0',
      port: 3000,
      backlog: 1024,
      logFile: rec.file('server.log'),
      runForMs: 15_000,
    });
    const client = startHttpClient(lab, 'client', {
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
    });
    requireAllOk(await clientOutcomes(client, 10_000));
    await sleep(1500);
    await server.stop();
    rec.snapshot('server', ['sockets', 'nstat'], { prefix: 'server-' });
    rec.snapshot('router', ['conntrack-stats', 'conntrack-count', 'iptables', 'sysctl', 'uname']);
    await rec.finish('client');
    return { rootCause: null };
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
