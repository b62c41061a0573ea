import {
  ArtifactRecorder,
  LabTopology,
  sleep,
  type LabContext,
  type LabDefinition,
  type LabExpectation,
  type LabProgram,
  type LabVariant,
} from '../kit/index.js';
import { routedLab } from './nat-lab-topologies.js';
import {
  clientResults,
  startTcpClient,
  startTcpServer,
  type TcpClientResult,
} from './tcp-lab-programs.js';

const ROOT_CAUSE = 'conntrack-expiry-rebalance';
const BACKEND_PORT = 8080;

/** kube-proxy's shape for a two-endpoint ClusterIP service, with the chosen statistic match. */
function serviceRules(options: {
  chain: 'PREROUTING' | 'OUTPUT';
  vip: string;
  port: number;
  backends: readonly string[];
  balance: 'random' | 'nth';
}): string {
  const [first, second] = options.backends as [string, string];
  const pick =
    options.balance === 'random'
      ? '-m statistic --mode random --probability 0.50000000000'
      : '-m statistic --mode nth --every 2 --packet 0';
  return [
    '*nat',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-SVC-CART - [0:0]',
    ':KUBE-SEP-CART1 - [0:0]',
    ':KUBE-SEP-CART2 - [0:0]',
    `-A ${options.chain} -m comment --comment "kubernetes service portals" -j KUBE-SERVICES`,
    `-A KUBE-SERVICES -d ${options.vip}/32 -p tcp -m comment --comment "shop/cart:http cluster IP" -m tcp --dport ${options.port} -j KUBE-SVC-CART`,
    `-A KUBE-SVC-CART -m comment --comment "shop/cart:http -> ${first}:${BACKEND_PORT}" ${pick} -j KUBE-SEP-CART1`,
    `-A KUBE-SVC-CART -m comment --comment "shop/cart:http -> ${second}:${BACKEND_PORT}" -j KUBE-SEP-CART2`,
    `-A KUBE-SEP-CART1 -p tcp -m comment --comment "shop/cart:http" -m tcp -j DNAT --to-destination ${first}:${BACKEND_PORT}`,
    `-A KUBE-SEP-CART2 -p tcp -m comment --comment "shop/cart:http" -m tcp -j DNAT --to-destination ${second}:${BACKEND_PORT}`,
    'COMMIT',
  ].join('\n');
}

/** Which backend accepted which client socket, from the backends' `accepted` events. */
function backendOf(backends: readonly { ip: string; program: LabProgram }[], client: string) {
  return backends.find(({ program }) =>
    program.events.some((e) => e.event === 'accepted' && e.remote === client),
  )?.ip;
}

function firstReset(results: readonly TcpClientResult[]): TcpClientResult | undefined {
  return results.find((r) => !r.ok && r.code === 'ECONNRESET' && r.local !== undefined);
}

function expectation(
  reset: TcpClientResult,
  vip: string,
  port: number,
  backends: readonly { ip: string; program: LabProgram }[],
): LabExpectation {
  const client = reset.local as string;
  const original = backendOf(backends, client);
  const other = backends.map((b) => b.ip).filter((ip) => ip !== original);
  return {
    rootCause: ROOT_CAUSE,
    flow: {
      client,
      server: `${vip}:${port}`,
      serverAlternatives: [...other, ...(original ? [original] : [])].map(
        (ip) => `${ip}:${BACKEND_PORT}`,
      ),
    },
  };
}

/**
 * Variant 1: a client pod, a node forwarding to two backends behind a ClusterIP with
 * `statistic random`; nf_conntrack_tcp_timeout_established is 3 s on the node. Several
 * connections go idle for 4.5 s; each one's entry expires, the next request is picked up
 * mid-stream (tcp_loose=1) and balanced afresh; those sent to the other backend meet a
 * host with no such socket, which answers RST.
 */
const randomTimeout: LabVariant = {
  id: 'clusterip-random-timeout-full-artifacts',
  summary:
    'forwarding node, statistic random, timeout_established=3 s, 8 idle connections; node capture + conntrack -E -o timestamp + -L/-S + rules + sysctl, client and backend logs',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = routedLab({
      clientNet: 61,
      serverNet: 62,
      clients: ['client'],
      servers: ['cart1', 'cart2'],
      router: 'node',
      sysctls: {
        node: {
          'net.netfilter.nf_conntrack_tcp_timeout_established': 3,
          'net.netfilter.nf_conntrack_tcp_loose': 1,
        },
      },
    });
    const vip = '10.78.63.40';
    const lab = LabTopology.create(ctx.prefix, plan.spec);
    try {
      lab.iptablesRestore(
        'node',
        serviceRules({
          chain: 'PREROUTING',
          vip,
          port: 80,
          backends: plan.serverIps,
          balance: 'random',
        }),
      );
      const recorder = new ArtifactRecorder(lab, ctx.outDir);
      await recorder.startCapture({ role: 'node', iface: 'br-c' });
      await recorder.startConntrackEvents({ role: 'node' });
      const backends = await Promise.all(
        (['cart1', 'cart2'] as const).map(async (role, i) => ({
          ip: plan.serverIps[i] as string,
          program: await startTcpServer(lab, role, {
            listen: [{ host: '0.0.0.0', port: BACKEND_PORT }],
            label: role,
            logFile: recorder.file(`${role}.log`),
          }),
        })),
      );
      let reset: TcpClientResult | undefined;
      // Each idle connection has an even chance of landing elsewhere after expiry: eight of
      // them almost always give one reset; a second round covers the rest.
      for (let round = 1; round <= 2 && !reset; round++) {
        ctx.log(`round ${round}: 8 connections to ${vip}:80, idle 4.5 s`);
        const client = startTcpClient(lab, 'client', {
          target: `${vip}:80`,
          label: 'checkout',
          logFile: recorder.file('client.log'),
          connections: 8,
          steps: [
            { write: 'GET /cart/42\n' },
            { read: { timeoutMs: 2000 } },
            { sleepMs: 4500 },
            { write: 'POST /cart/42/items\n' },
            { read: { timeoutMs: 2000 } },
          ],
        });
        reset = firstReset(await clientResults(client));
      }
      if (!reset) throw new Error('no connection was reset after its entry expired');
      ctx.log(`client ${reset.local}: reset after re-balancing`);
      recorder.snapshot('node', [
        'uname',
        'conntrack-table',
        'conntrack-stats',
        'iptables',
        'sysctl',
      ]);
      await recorder.finish('node');
      return expectation(reset, vip, 80, backends);
    } finally {
      lab.close();
    }
  },
};

/**
 * Variant 2: the client runs on the node itself (DNAT in nat OUTPUT), `statistic nth` so the
 * second pick always goes to the other backend, and the entry is lost to `conntrack -F` (an
 * operator's flush or an agent restart) instead of a timeout.
 */
const nthFlush: LabVariant = {
  id: 'node-local-nth-flush-plain-events',
  summary:
    'client on the node (OUTPUT DNAT), statistic nth, conntrack -F mid-flow; plain conntrack -E (no timestamps), backend-side capture (snaplen 256), ss, client log',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = routedLab({
      clientNet: 71,
      serverNet: 72,
      clients: [],
      servers: ['web1', 'web2'],
      router: 'node',
    });
    const vip = '10.78.73.7';
    const port = 8443;
    const lab = LabTopology.create(ctx.prefix, plan.spec);
    try {
      // Locally generated packets are routed before OUTPUT DNAT: the service range needs a
      // route, as a node's default route gives it.
      lab.run('node', ['ip', 'route', 'add', '10.78.73.0/24', 'dev', 'br-s']);
      lab.iptablesRestore(
        'node',
        serviceRules({ chain: 'OUTPUT', vip, port, backends: plan.serverIps, balance: 'nth' }),
      );
      const recorder = new ArtifactRecorder(lab, ctx.outDir);
      await recorder.startCapture({ role: 'node', iface: 'br-s', snaplen: 256 });
      await recorder.startConntrackEvents({ role: 'node', timestamps: false });
      const backends = await Promise.all(
        (['web1', 'web2'] as const).map(async (role, i) => ({
          ip: plan.serverIps[i] as string,
          program: await startTcpServer(lab, role, {
            listen: [{ host: '0.0.0.0', port: BACKEND_PORT }],
            label: role,
            logFile: recorder.file(`${role}.log`),
          }),
        })),
      );
      const client = startTcpClient(lab, 'node', {
        target: `${vip}:${port}`,
        label: 'batch-job',
        logFile: recorder.file('client.log'),
        steps: [
          { write: 'FETCH page=1\n' },
          { read: { timeoutMs: 2000 } },
          { sleepMs: 800 },
          { await: 'flushed' },
          { write: 'FETCH page=2\n' },
          { read: { timeoutMs: 2000 } },
        ],
      });
      await client.waitFor('awaiting');
      lab.run('node', ['conntrack', '-F']);
      ctx.log('conntrack table flushed on the node');
      await sleep(100);
      client.send('flushed');
      const reset = firstReset(await clientResults(client));
      if (!reset) throw new Error('the connection survived the flush');
      recorder.snapshot('node', ['sockets', 'iptables', 'sysctl', 'uname']);
      await recorder.finish('node', { kernelLog: false });
      return expectation(reset, vip, port, backends);
    } finally {
      lab.close();
    }
  },
};

export const conntrackExpiryRebalanceLab: LabDefinition = {
  id: ROOT_CAUSE,
  rootCause: ROOT_CAUSE,
  title: 'Idle flow loses its conntrack entry and is balanced to another backend',
  description:
    'A ClusterIP-style DNAT with a statistic match spreads connections over two backends. ' +
    'A long-lived connection idles past nf_conntrack_tcp_timeout_established (shrunk to 3 s) ' +
    'or its entry is flushed; its next segment is picked up mid-stream (tcp_loose=1), goes ' +
    'through the nat table again and may be DNATed to the other backend, which has no such ' +
    'socket and answers RST: the client reads "connection reset by peer" from the service ' +
    'address. conntrack -E shows DESTROY, then NEW for the same client port with another ' +
    'backend in the reply tuple.',
  variants: [randomTimeout, nthFlush],
};
