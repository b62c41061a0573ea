import type { LabContext, LabDefinition, LabExpectation } from '../kit/index.js';
import {
  cleanExchange,
  listeningServer,
  recordHealthyVariant,
  serveHttp,
} from './healthy-lab-scaffold.js';
import {
  STATEFUL_FORWARD_RULES,
  routedSpec,
  serverAddress,
  serviceDnatRules,
} from './healthy-lab-support.js';
import { startHttpClient } from './http-lab-programs.js';

/**
 * The router forgets an established flow after 5 s of silence (shrunk from 5 days), and the
 * connection idles 7 s between requests; TCP keepalive probes every 2 s keep the entry fresh,
 * so the second request still goes through: the healthy twin of conntrack-expiry-rebalance.
 */
function clientKeepaliveUnderTimeout(ctx: LabContext): Promise<LabExpectation> {
  const topology = routedSpec(64, 65, {
    routerSysctls: { 'net.netfilter.nf_conntrack_tcp_timeout_established': 5 },
  });
  const rules = { router: STATEFUL_FORWARD_RULES };
  return recordHealthyVariant(ctx, { topology, rules, finishOn: 'router' }, async (lab, rec) => {
    await rec.startCapture({ role: 'client', iface: 'eth0' });
    await rec.startConntrackEvents({ role: 'router' });
    await cleanExchange({
      listeners: [
        serveHttp(
          lab,
          'server',
          listeningServer(8080, rec.file('server.log'), { runForMs: 20_000 }),
        ),
      ],
      client: () =>
        startHttpClient(lab, 'client', {
          target: { host: serverAddress(65), port: 8080 },
          logFile: rec.file('client.log'),
          sessions: [
            {
              keepAliveProbeDelayMs: 2000,
              requests: [{ path: '/bytes/500' }, { path: '/bytes/500', idleBeforeMs: 7000 }],
            },
          ],
        }),
      timeoutMs: 14_000,
    });
    rec.snapshot('client', ['sockets', 'nstat', 'uname']);
    rec.snapshot('router', ['conntrack-table', 'iptables', 'sysctl'], { prefix: 'router-' });
  });
}

/** The server sends the keepalive probes, and the flow crosses a service DNAT. */
function serverKeepaliveThroughDnat(ctx: LabContext): Promise<LabExpectation> {
  const topology = routedSpec(66, 67, {
    routerSysctls: { 'net.netfilter.nf_conntrack_tcp_timeout_established': 4 },
  });
  const rules = {
    router: `${STATEFUL_FORWARD_RULES}${serviceDnatRules('10.78.200.11', 80, [`${serverAddress(67)}:8080`], 'eth-s0')}`,
  };
  return recordHealthyVariant(ctx, { topology, rules, finishOn: 'router' }, async (lab, rec) => {
    await rec.startCapture({
      role: 'router',
      iface: 'eth-s0',
      snaplen: 256,
      file: 'node-eth-s0.pcap',
    });
    await rec.startConntrackEvents({ role: 'router', timestamps: false });
    await cleanExchange({
      listeners: [
        serveHttp(
          lab,
          'server',
          listeningServer(8080, rec.file('server.log'), {
            keepAliveProbeDelayMs: 1500,
            runForMs: 20_000,
          }),
        ),
      ],
      client: () =>
        startHttpClient(lab, 'client', {
          target: { host: '10.78.200.11', port: 80 },
          logFile: rec.file('client.log'),
          sessions: [
            {
              count: 2,
              spacingMs: 300,
              requests: [{ path: '/bytes/2500' }, { path: '/bytes/2500', idleBeforeMs: 6000 }],
            },
          ],
        }),
      timeoutMs: 14_000,
    });
    rec.snapshot('router', [
      'conntrack-table',
      'conntrack-stats',
      'iptables',
      'sysctl',
      'nstat',
      'uname',
    ]);
    rec.snapshot('server', ['sockets'], { prefix: 'server-' });
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
