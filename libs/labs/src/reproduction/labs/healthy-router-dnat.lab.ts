import {
  ArtifactRecorder,
  LabTopology,
  sleep,
  type LabProgram,
  type LabContext,
  type LabDefinition,
  type LabExpectation,
} from '../kit/index.js';
import {
  SHORT_CLOSE_TIMEOUTS,
  STATEFUL_FORWARD_RULES,
  routedSpec,
  serverAddress,
  serviceDnatRules,
  snapshotEverything,
  withLab,
} from './healthy-lab-support.js';
import {
  clientOutcomes,
  requireAllOk,
  startHttpClient,
  startHttpServer,
} from './http-lab-programs.js';

/** One backend behind a service address, masqueraded; events with timestamps. */
async function singleBackend(ctx: LabContext): Promise<LabExpectation> {
  const lab = LabTopology.create(
    ctx.prefix,
    routedSpec(75, 76, { routerSysctls: SHORT_CLOSE_TIMEOUTS }),
  );
  return withLab(lab, async () => {
    lab.iptablesRestore(
      'router',
      `${STATEFUL_FORWARD_RULES}${serviceDnatRules('10.78.200.30', 443, [`${serverAddress(76)}:8443`], 'eth-s0')}`,
    );
    const rec = new ArtifactRecorder(lab, ctx.outDir);
    await rec.startCapture({ role: 'router', iface: 'eth-s0', file: 'node-backend-side.pcap' });
    await rec.startConntrackEvents({ role: 'router' });
    const server = await startHttpServer(lab, 'server', {
      host: '0.0.0.0',
      port: 8443,
      logFile: rec.file('backend.log'),
      runForMs: 15_000,
    });
    const client = startHttpClient(lab, 'client', {
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
    });
    requireAllOk(await clientOutcomes(client, 10_000));
    await sleep(2500);
    await server.stop();
    snapshotEverything(rec, 'router');
    await rec.finish('router');
    return { rootCause: null };
  });
}

/** Two backends picked in turn (statistic nth, as kube-proxy spreads them); plain events. */
async function twoBackends(ctx: LabContext): Promise<LabExpectation> {
  const lab = LabTopology.create(
    ctx.prefix,
    routedSpec(77, 78, { servers: ['backa', 'backb'], routerSysctls: SHORT_CLOSE_TIMEOUTS }),
  );
  return withLab(lab, async () => {
    const backends = [serverAddress(78, 0), serverAddress(78, 1)];
    lab.iptablesRestore(
      'router',
      `${STATEFUL_FORWARD_RULES}*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:LAB-SVC - [0:0]
-A PREROUTING -d 10.78.200.31/32 -p tcp -m tcp --dport 80 -j LAB-SVC
-A LAB-SVC -p tcp -m statistic --mode nth --every 2 --packet 0 -j DNAT --to-destination ${backends[0]}:8080
-A LAB-SVC -p tcp -j DNAT --to-destination ${backends[1]}:8080
COMMIT
`,
    );
    const rec = new ArtifactRecorder(lab, ctx.outDir);
    await rec.startCapture({ role: 'client', iface: 'eth0', snaplen: 256 });
    await rec.startConntrackEvents({ role: 'router', timestamps: false });
    const servers: LabProgram[] = [];
    for (const [index, role] of ['backa', 'backb'].entries())
      servers.push(
        await startHttpServer(lab, role, {
          host: '0.0.0.0',
          port: 8080,
          name: `backend-${index}`,
          logFile: rec.file(`${role}.log`),
          runForMs: 15_000,
        }),
      );
    const client = startHttpClient(lab, 'client', {
      target: { host: '10.78.200.31', port: 80 },
      logFile: rec.file('client.log'),
      sessions: [
        { count: 6, spacingMs: 150, requests: [{ path: '/bytes/900' }, { path: '/bytes/900' }] },
      ],
    });
    requireAllOk(await clientOutcomes(client, 10_000));
    await sleep(2000);
    for (const server of servers) await server.stop();
    rec.snapshot('router', ['conntrack-table', 'conntrack-stats', 'iptables', 'sysctl', 'nstat']);
    rec.snapshot('client', ['sockets', 'uname'], { prefix: 'client-' });
    await rec.finish('router');
    return { rootCause: null };
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
