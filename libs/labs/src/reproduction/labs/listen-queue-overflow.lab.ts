import {
  ArtifactRecorder,
  LabTopology,
  sleep,
  type LabContext,
  type LabDefinition,
  type LabExpectation,
  type LabVariant,
  type TopologySpec,
} from '../kit/index.js';
import {
  clientOutcomes,
  firstOutcome,
  startHttpClient,
  startHttpServer,
  type HttpSession,
} from './http-lab-programs.js';

/**
 * How one variant stalls a server and floods its accept queue. The server is a
 * single-threaded HTTP server whose `GET /work/MS` handler blocks the event loop, so nothing
 * calls accept() meanwhile; a burst of clients then fills the queue the kernel keeps for it.
 */
interface OverflowPlan {
  readonly routed: boolean;
  readonly net: number;
  readonly port: number;
  readonly backlog: number;
  readonly abortOnOverflow: 0 | 1;
  /** Shape the client's uplink (tbf): SYNs then trickle in, so several handshakes are in
   * flight when the queue fills and the final ACK, not the SYN, meets the full queue. */
  readonly slowUplink: boolean;
  readonly stallMs: number;
  readonly burst: HttpSession;
  readonly lateBurst?: HttpSession;
  /** When, after the client starts, the listener's queue is photographed (during the stall). */
  readonly snapshotAtMs: number;
  readonly artifacts: 'server-capture' | 'client-capture' | 'events-no-capture';
  /** Which client outcomes count as the failing flow, in preference order. */
  readonly failing: readonly string[];
  readonly clientRunMs: number;
}

function topology(plan: OverflowPlan): TopologySpec {
  const [a, b, c] = [
    `10.78.${plan.net}.10/24`,
    `10.78.${plan.net}.1/24`,
    `10.78.${plan.net + 1}.1/24`,
  ];
  const sysctls = {
    server: { 'net.ipv4.tcp_abort_on_overflow': plan.abortOnOverflow, 'net.core.somaxconn': 4096 },
  };
  if (!plan.routed)
    return {
      namespaces: ['client', 'server'],
      links: [
        {
          a: { ns: 'client', dev: 'eth0', addresses: [a] },
          b: { ns: 'server', dev: 'eth0', addresses: [`10.78.${plan.net}.20/24`] },
        },
      ],
      sysctls,
    };
  return {
    namespaces: ['client', 'router', 'server'],
    links: [
      {
        a: { ns: 'client', dev: 'eth0', addresses: [a] },
        b: { ns: 'router', dev: 'eth-c', addresses: [b] },
      },
      {
        a: { ns: 'router', dev: 'eth-s', addresses: [c] },
        b: { ns: 'server', dev: 'eth0', addresses: [`10.78.${plan.net + 1}.20/24`] },
      },
    ],
    routes: [
      { ns: 'client', to: 'default', via: `10.78.${plan.net}.1` },
      { ns: 'server', to: 'default', via: `10.78.${plan.net + 1}.1` },
    ],
    forwarding: ['router'],
    sysctls,
  };
}

/** A host firewall that tracks connections, so `conntrack -E` on the router has events to show. */
const ROUTER_RULES = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -p tcp -m conntrack --ctstate NEW -j ACCEPT
COMMIT
`;

async function runOverflow(ctx: LabContext, plan: OverflowPlan): Promise<LabExpectation> {
  const lab = LabTopology.create(ctx.prefix, topology(plan));
  try {
    const serverHost = plan.routed ? `10.78.${plan.net + 1}.20` : `10.78.${plan.net}.20`;
    if (plan.routed) lab.iptablesRestore('router', ROUTER_RULES);
    if (plan.slowUplink)
      // 64 kbit/s with a 256-byte bucket: a 74-byte SYN leaves every ~9 ms. The kernel warns
      // that the bucket is smaller than the MTU; only small packets cross this link.
      lab.run('client', [
        'tc',
        'qdisc',
        'add',
        'dev',
        'eth0',
        'root',
        'tbf',
        'rate',
        '64kbit',
        'burst',
        '256',
        'latency',
        '2s',
      ]);

    const rec = new ArtifactRecorder(lab, ctx.outDir);
    if (plan.artifacts === 'server-capture')
      await rec.startCapture({ role: 'server', iface: 'eth0', file: 'server-eth0.pcap' });
    if (plan.artifacts === 'client-capture')
      await rec.startCapture({
        role: 'client',
        iface: 'eth0',
        snaplen: 256,
        filter: `tcp port ${plan.port}`,
      });
    if (plan.artifacts === 'events-no-capture')
      await rec.startConntrackEvents({ role: 'router', timestamps: true });
    rec.snapshot('server', ['nstat'], { prefix: 'before-' });

    const server = await startHttpServer(lab, 'server', {
      host: '0.0.0.0',
      port: plan.port,
      backlog: plan.backlog,
      logFile: rec.file('server.log'),
      runForMs: plan.clientRunMs + 5000,
    });
    ctx.log(
      `server listening with backlog ${plan.backlog}; one request blocks it for ${plan.stallMs} ms`,
    );
    const sessions: HttpSession[] = [
      { requests: [{ path: `/work/${plan.stallMs}` }], responseTimeoutMs: plan.stallMs + 3000 },
      plan.burst,
    ];
    if (plan.lateBurst) sessions.push(plan.lateBurst);
    const client = startHttpClient(lab, 'client', {
      target: { host: serverHost, port: plan.port },
      logFile: rec.file('client.log'),
      runForMs: plan.clientRunMs,
      sessions,
    });
    await sleep(plan.snapshotAtMs);
    // While the handler still blocks: the listener's Recv-Q is the accept queue, Send-Q its limit.
    rec.command('server', ['ss', '-ltn'], 'ss-ltn.txt');
    rec.snapshot('server', ['sockets']);
    const outcomes = await clientOutcomes(client, plan.clientRunMs + 2000);
    await server.stop();

    rec.snapshot('server', ['nstat', 'sysctl', 'uname']);
    if (plan.routed) rec.snapshot('router', ['conntrack-stats', 'iptables'], { prefix: 'router-' });
    await rec.finish(plan.routed && plan.artifacts === 'events-no-capture' ? 'router' : 'server');

    const failed = firstOutcome(outcomes, plan.failing);
    ctx.log(`first failing connection ${failed.local}: ${failed.error ?? failed.outcome}`);
    return {
      rootCause: 'listen-queue-overflow',
      flow: { client: failed.local, server: `${serverHost}:${plan.port}` },
    };
  } finally {
    lab.close();
  }
}

const synDropsServerCapture: LabVariant = {
  id: 'syn-drops-server-capture',
  summary:
    'backlog 2, abort_on_overflow=0, client and server on one link: SYNs dropped while the queue is full, ' +
    'dial i/o timeouts and slow connects; server-side capture, ss -ltn during the stall, nstat before/after',
  run: (ctx) =>
    runOverflow(ctx, {
      routed: false,
      net: 41,
      port: 8080,
      backlog: 2,
      abortOnOverflow: 0,
      slowUplink: false,
      stallMs: 5000,
      // A client with a 2 s dial timeout gives up; its SYNs never got an answer.
      burst: {
        count: 6,
        startAtMs: 300,
        connectTimeoutMs: 2000,
        responseTimeoutMs: 6000,
        requests: [{ path: '/bytes/200' }],
      },
      // Clients without a dial timeout get in once the handler returns, seconds late.
      lateBurst: {
        count: 3,
        startAtMs: 1200,
        responseTimeoutMs: 6000,
        requests: [{ path: '/bytes/200' }],
      },
      snapshotAtMs: 2500,
      artifacts: 'server-capture',
      failing: ['CONNECT_TIMEOUT'],
      clientRunMs: 9000,
    }),
};

const abortOnOverflowClientCapture: LabVariant = {
  id: 'abort-on-overflow-slow-uplink-client-capture',
  summary:
    'backlog 4, tcp_abort_on_overflow=1, clients behind a router on a slow uplink: handshakes complete into a ' +
    'full queue and get RST, SYN cookies engage; client-side capture (snaplen 256), client log, ss, nstat',
  run: (ctx) =>
    runOverflow(ctx, {
      routed: true,
      net: 42,
      port: 9443,
      backlog: 4,
      abortOnOverflow: 1,
      slowUplink: true,
      stallMs: 4000,
      burst: {
        count: 12,
        startAtMs: 250,
        responseTimeoutMs: 4500,
        requests: [{ path: '/bytes/64' }],
      },
      snapshotAtMs: 1500,
      artifacts: 'client-capture',
      failing: ['ECONNRESET', 'EPIPE'],
      clientRunMs: 8000,
    }),
};

const ackDropsEventsOnly: LabVariant = {
  id: 'final-ack-dropped-conntrack-events-no-capture',
  summary:
    'backlog 3, abort_on_overflow=0, slow uplink through a stateful router: the final ACK meets a full queue ' +
    'and is dropped, SYN-ACKs are retransmitted, requests hang; conntrack -E on the router, ss, nstat, dmesg, ' +
    'client log, no capture',
  run: (ctx) =>
    runOverflow(ctx, {
      routed: true,
      net: 44,
      port: 3000,
      backlog: 3,
      abortOnOverflow: 0,
      slowUplink: true,
      stallMs: 4500,
      burst: {
        count: 10,
        startAtMs: 200,
        // Longer than the stall: connections that made it into the queue are answered late;
        // those whose final ACK was dropped are not.
        responseTimeoutMs: 6000,
        requests: [{ path: '/bytes/1000' }],
      },
      snapshotAtMs: 1800,
      artifacts: 'events-no-capture',
      failing: ['RESPONSE_TIMEOUT', 'CONNECT_TIMEOUT', 'ETIMEDOUT'],
      clientRunMs: 9000,
    }),
};

export const listenQueueOverflowLab: LabDefinition = {
  id: 'listen-queue-overflow',
  rootCause: 'listen-queue-overflow',
  title: 'Listen/accept queue overflow behind a stalled accept loop',
  description:
    'A single-threaded HTTP server listens with a tiny backlog and then blocks its event loop in a ' +
    'synchronous handler, so nothing is accepted; a burst of clients fills the accept queue ' +
    '(ss -ltn: Recv-Q above Send-Q, since the kernel admits backlog+1) and TcpExtListenOverflows/' +
    'ListenDrops climb. On this kernel (6.x, tcp_syncookies=1) a SYN that arrives while the queue is ' +
    'full is dropped without a SYN-ACK and retried at one-second intervals (tcp_syn_linear_timeouts), ' +
    'so clients with a dial timeout fail and the rest connect seconds late. With a slow client ' +
    'uplink the handshakes overlap: the tiny SYN queue sends SYN cookies ("Possible SYN flooding" in ' +
    'dmesg) and the final ACK meets the full queue, where it is dropped silently ' +
    '(tcp_abort_on_overflow=0, the client believes it is connected and its request hangs) or ' +
    'answered with RST (=1).',
  variants: [synDropsServerCapture, abortOnOverflowClientCapture, ackDropsEventsOnly],
};
