import {
  ArtifactRecorder,
  LabTopology,
  type LabContext,
  type LabDefinition,
  type LabExpectation,
} from '../kit/index.js';
import {
  STATEFUL_FORWARD_RULES,
  routedSpec,
  serverAddress,
  serviceDnatRules,
  withLab,
} from './healthy-lab-support.js';
import {
  clientOutcomes,
  requireAllOk,
  startHttpClient,
  startHttpServer,
} from './http-lab-programs.js';

/**
 * The router forgets an established flow after 5 s of silence (shrunk from 5 days), and the
 * connection idles 7 s between requests; TCP keepalive probes every 2 s keep the entry fresh,
 * so the second request still goes through: the healthy twin of conntrack-expiry-rebalance.
 */
async function clientKeepaliveUnderTimeout(ctx: LabContext): Promise<LabExpectation> {
  const lab = LabTopology.create(
    ctx.prefix,
    routedSpec(64, 65, {
      routerSysctls: { 'net.netfilter.nf_conntrack_tcp_timeout_established': 5 },
    }),
  );
  return withLab(lab, async () => {
    lab.iptablesRestore('router', STATEFUL_FORWARD_RULES);
    const rec = new ArtifactRecorder(lab, ctx.outDir);
    await rec.startCapture({ role: 'client', iface: 'eth0' });
    await rec.startConntrackEvents({ role: 'router' });
    const server = await startHttpServer(lab, 'server', {
      host: '0.0.0.0',
      port: 8080,
      logFile: rec.file('server.log'),
      runForMs: 20_000,
    });
    const client = startHttpClient(lab, 'client', {
      target: { host: serverAddress(65), port: 8080 },
      logFile: rec.file('client.log'),
      sessions: [
        {
          keepAliveProbeDelayMs: 2000,
          requests: [{ path: '/bytes/500' }, { path: '/bytes/500', idleBeforeMs: 7000 }],
        },
      ],
    });
    requireAllOk(await clientOutcomes(client, 14_000));
    await server.stop();
    rec.snapshot('client', ['sockets', 'nstat', 'uname']);
    rec.snapshot('router', ['conntrack-table', 'iptables', 'sysctl'], { prefix: 'router-' });
    await rec.finish('router');
    return { rootCause: null };
  });
}

/** The server sends the keepalive probes, and the flow crosses a service DNAT. */
async function serverKeepaliveThroughDnat(ctx: LabContext): Promise<LabExpectation> {
  const lab = LabTopology.create(
    ctx.prefix,
    routedSpec(66, 67, {
      routerSysctls: { 'net.netfilter.nf_conntrack_tcp_timeout_established': 4 },
    }),
  );
  return withLab(lab, async () => {
    lab.iptablesRestore(
      'router',
      `${STATEFUL_FORWARD_RULES}${serviceDnatRules('10.78.200.11', 80, [`${serverAddress(67)}:8080`], 'eth-s0')}`,
    );
    const rec = new ArtifactRecorder(lab, ctx.outDir);
    await rec.startCapture({
      role: 'router',
      iface: 'eth-s0',
      snaplen: 256,
      file: 'node-eth-s0.pcap',
    });
    await rec.startConntrackEvents({ role: 'router', timestamps: false });
    const server = await startHttpServer(lab, 'server', {
      host: '0.0.0.0',
      port: 8080,
      keepAliveProbeDelayMs: 1500,
      logFile: rec.file('server.log'),
      runForMs: 20_000,
    });
    const client = startHttpClient(lab, 'client', {
      target: { host: '10.78.200.11', port: 80 },
      logFile: rec.file('client.log'),
      sessions: [
        {
          count: 2,
          spacingMs: 300,
          requests: [{ path: '/bytes/2500' }, { path: '/bytes/2500', idleBeforeMs: 6000 }],
        },
      ],
    });
    requireAllOk(await clientOutcomes(client, 14_000));
    await server.stop();
    rec.snapshot('router', [
      'conntrack-table',
      'conntrack-stats',
      'iptables',
      'sysctl',
      'nstat',
      'uname',
    ]);
    rec.snapshot('server', ['sockets'], { prefix: 'server-' });
    await rec.finish('router');
    return { rootCause: null };
  });
}

export const healthyIdleKeepaliveLab: LabDefinition = {
  id: 'healthy-idle-keepalive',
  rootCause: null,
  title: 'Healthy: idle keep-alive connections held open by TCP keepalive',
  description:
    "Connections idle longer than the stateful router's nf_conntrack_tcp_timeout_established (shrunk to " +
    'a few seconds), but TCP keepalive probes (one byte behind the window, answered by a bare ACK) ' +
    'refresh the entry every 1.5-2 s, so the request after the idle gap is forwarded, NATed and answered ' +
    'as usual. The idle gap alone must not be taken for an expiry.',
  variants: [
    {
      id: 'client-keepalive-under-conntrack-timeout',
      summary:
        'client probes every 2 s, 7 s idle, timeout_established 5 s; client capture, conntrack -E -o timestamp on the router',
      run: clientKeepaliveUnderTimeout,
    },
    {
      id: 'server-keepalive-through-dnat',
      summary:
        "server probes every 1.5 s through a service DNAT, 6 s idle, timeout 4 s; capture on the node's backend link, plain events",
      run: serverKeepaliveThroughDnat,
    },
  ],
};
