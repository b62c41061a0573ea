import type {
  ArtifactRecorder,
  LabTopology,
  LabContext,
  LabDefinition,
  LabExpectation,
  LabVariant,
} from '../kit/index.js';
import { outboundCaptureRules } from './istio-style-rules.js';
import { inRecordedLab } from './lab-frame.js';
import { directPair, routedLab } from './nat-lab-topologies.js';
import {
  SIDECAR_UID,
  endpointField,
  portOf,
  startAppClient,
  startOutboundSidecarPath,
  type AppConnection,
  type HostPort,
} from './sidecar-lab-programs.js';

const ROOT_CAUSE = 'ephemeral-port-collision-challenge-ack';

/** The lab did not get the collision it needs; says which port it got instead. */
export class CollisionNotReachedError extends Error {
  constructor(leakedPort: number, newPort: number) {
    super(
      `the new connection used source port ${newPort}, not the leaked socket's ${leakedPort}: no collision to show`,
    );
    this.name = 'CollisionNotReachedError';
  }
}

/** What the first (leaking) connection left behind. */
interface Leak {
  /** The app's source port, still held by the sidecar's FIN-WAIT-2 socket. */
  readonly port: number;
}

/**
 * Phase 1, before anything is recorded (the leak is usually hours old when someone looks):
 * the app's connection through the sidecar, closed by the upstream, closed by the app only
 * after the pod's close_wait timeout, so the sidecar's socket stays in FIN-WAIT-2.
 */
async function leakSidecarSocket(
  lab: LabTopology,
  recorder: ArtifactRecorder,
  connection: AppConnection,
): Promise<Leak> {
  const app = startAppClient(lab, 'pod', {
    logFile: recorder.file('app.log'),
    connections: [connection],
  });
  const connected = await app.waitFor('connected');
  await app.waitFor('done', 10_000);
  return { port: portOf(endpointField(connected, 'local')) };
}

/** Phase 2: a new connection that lands on the leaked socket's 4-tuple; its client socket. */
async function collide(
  lab: LabTopology,
  recorder: ArtifactRecorder,
  leak: Leak,
  connection: AppConnection,
): Promise<string> {
  const app = startAppClient(lab, 'pod', {
    logFile: recorder.file('app.log'),
    firstId: 1,
    connections: [connection],
  });
  const outcome = await app.waitFor((e) => e.event === 'connected' || e.event === 'failed', 8000);
  const local = endpointField(outcome, 'local');
  if (portOf(local) !== leak.port) throw new CollisionNotReachedError(leak.port, portOf(local));
  await app.waitFor('done', 8000);
  return local;
}

const UPSTREAM_PORT = 7777;

/**
 * The kernel picks the port: ip_local_port_range holds two ports, the sidecar's own upstream
 * connection keeps the other one busy, so the app's reconnect to the same service can only get
 * the port of its earlier connection, whose 4-tuple (REDIRECTed to 127.0.0.1:15001) the sidecar
 * still holds in FIN-WAIT-2.
 */
const portRangeReuse: LabVariant = {
  id: 'port-range-reuse-conntrack-events',
  summary:
    'pod <-> upstream, ip_local_port_range of 2 ports; leak made before recording, then a reconnect picks the same port; capture -i any, conntrack -E -o timestamp, ss before/after, conntrack -L/-S, access log',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = directPair(141, { client: 'pod', host: 'upstream' });
    const upstream: HostPort = { host: plan.hostIp, port: UPSTREAM_PORT };
    return inRecordedLab(
      ctx,
      {
        topology: {
          ...plan.spec,
          sysctls: {
            pod: {
              'net.netfilter.nf_conntrack_tcp_timeout_close_wait': 2,
              'net.ipv4.ip_local_port_range': '40710 40711',
            },
          },
        },
        rules: { pod: outboundCaptureRules({ proxyPort: 15001, proxyUid: SIDECAR_UID }) },
      },
      async (lab, recorder) => {
        await startOutboundSidecarPath(lab, {
          upstream: {
            listen: { host: '0.0.0.0', port: UPSTREAM_PORT },
            reply: 'stock 12',
            closeAfterReplyMs: 150,
          },
          proxyTarget: upstream,
          idleTimeoutMs: 60_000,
          accessLog: recorder.file('istio-proxy-access.log'),
        });
        ctx.log('phase 1: leak a sidecar socket (app closes 2.6 s after EOF, close_wait is 2 s)');
        const leak = await leakSidecarSocket(lab, recorder, {
          target: upstream,
          request: 'GET /stock/sku-1',
          closeAfterEofMs: 2600,
          lingerAfterCloseMs: 300,
        });
        recorder.snapshot('pod', ['sockets'], { prefix: 'before-' });
        await recorder.startCapture({ role: 'pod', iface: 'any' });
        await recorder.startConntrackEvents({ role: 'pod' });
        ctx.log(`phase 2: reconnect; the only free source port is ${leak.port} again`);
        const client = await collide(lab, recorder, leak, {
          target: upstream,
          connectTimeoutMs: 3000,
          request: 'GET /stock/sku-2',
          closeAfterEofMs: 0,
          lingerAfterCloseMs: 200,
        });
        recorder.snapshot('pod', ['sockets', 'conntrack-table', 'conntrack-stats', 'nstat']);
        recorder.snapshot('pod', ['iptables', 'sysctl', 'uname']);
        await recorder.finish('pod');
        return {
          rootCause: ROOT_CAUSE,
          flow: {
            client,
            server: `${upstream.host}:${upstream.port}`,
            serverAlternatives: ['127.0.0.1:15001'],
          },
        };
      },
    );
  },
};

/**
 * The app binds its source port itself and calls two Services (two VIPs, the same pods behind
 * them) from it. The pod routes through a node; its filter table drops INVALID packets, as
 * hardening guides and Istio's INVALID_DROP advise, so the app's late FIN of the first
 * connection is dropped and that socket lingers in LAST-ACK. The second Service's VIP makes a
 * new 4-tuple, which the REDIRECT turns into the leaked one. Capture (256-byte snaplen) from
 * after the leak, no conntrack events.
 */
const boundPortSecondService: LabVariant = {
  id: 'bound-port-second-service-invalid-drop',
  summary:
    'pod -> node -> upstream, app binds port 24680, calls VIP A then VIP B; OUTPUT drops INVALID; capture -i any snaplen 256 from after the leak, ss before/after, iptables-save -c, nstat, conntrack -S; no conntrack events',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = routedLab({
      clientNet: 142,
      serverNet: 143,
      clients: ['pod'],
      servers: ['upstream'],
      router: 'node',
      sysctls: { pod: { 'net.netfilter.nf_conntrack_tcp_timeout_close_wait': 2 } },
    });
    const endpoint: HostPort = { host: plan.serverIps[0]!, port: UPSTREAM_PORT };
    const serviceA: HostPort = { host: '10.78.200.10', port: UPSTREAM_PORT };
    const serviceB: HostPort = { host: '10.78.200.11', port: UPSTREAM_PORT };
    const boundPort = 24680;
    return inRecordedLab(
      ctx,
      {
        topology: plan.spec,
        rules: {
          pod: outboundCaptureRules({ proxyPort: 15001, proxyUid: SIDECAR_UID, dropInvalid: true }),
        },
      },
      async (lab, recorder) => {
        await startOutboundSidecarPath(lab, {
          upstream: {
            listen: { host: '0.0.0.0', port: UPSTREAM_PORT },
            reply: 'quote EUR 12.40',
            closeAfterReplyMs: 200,
          },
          proxyTarget: endpoint,
          idleTimeoutMs: 60_000,
          accessLog: recorder.file('envoy-access.log'),
        });
        ctx.log('phase 1: leak a sidecar socket via service A (app closes 3 s after EOF)');
        const leak = await leakSidecarSocket(lab, recorder, {
          target: serviceA,
          localPort: boundPort,
          request: 'GET /quotes/eur',
          closeAfterEofMs: 3000,
          lingerAfterCloseMs: 400,
        });
        recorder.snapshot('pod', ['sockets'], { prefix: 'before-' });
        await recorder.startCapture({ role: 'pod', iface: 'any', snaplen: 256 });
        ctx.log(`phase 2: call service B from the same bound port ${leak.port}`);
        const client = await collide(lab, recorder, leak, {
          target: serviceB,
          localPort: boundPort,
          connectTimeoutMs: 3000,
          request: 'GET /quotes/usd',
          closeAfterEofMs: 0,
          lingerAfterCloseMs: 200,
        });
        recorder.snapshot('pod', [
          'sockets',
          'iptables',
          'conntrack-stats',
          'nstat',
          'sysctl',
          'uname',
        ]);
        await recorder.finish('pod');
        return {
          rootCause: ROOT_CAUSE,
          flow: {
            client,
            server: `${serviceB.host}:${serviceB.port}`,
            serverAlternatives: ['127.0.0.1:15001'],
          },
        };
      },
    );
  },
};

export const ephemeralPortCollisionChallengeAckLab: LabDefinition = {
  id: ROOT_CAUSE,
  rootCause: ROOT_CAUSE,
  title: "A new connection lands on a leaked sidecar socket's 4-tuple: challenge ACK, RST, retry",
  description:
    'First a sidecar socket is leaked in FIN-WAIT-2 exactly as in the sidecar-halfclose-leak lab ' +
    '(istio-style REDIRECT to a Node stand-in for Envoy; the app closes after the shrunk ' +
    "close_wait). Then the app opens a new connection from the same source port (the kernel's " +
    'choice from a two-port ip_local_port_range, or a bind()); the REDIRECT maps it onto the ' +
    "leaked socket's 4-tuple. Its SYN meets that socket, which answers with an RFC 5961 " +
    'challenge ACK; the app answers the ACK with a RST. What this kernel does then: since ' +
    'Linux 6.2 ("netfilter: conntrack: handle tcp challenge acks during connection reuse") ' +
    'conntrack remembers the challenge ACK and accepts the RST whose sequence number equals its ' +
    "ACK, so the RST is un-NATed to the leaked socket and kills it; the app's SYN_SENT socket " +
    'retransmits its SYN at once (the kernel shortens the first retransmit after an unacceptable ' +
    'ACK) and the connect succeeds within about 10 ms, the leaked session dying with a reset. ' +
    "An INVALID drop rule in the pod does not change that on 6.2+ (it only keeps the app's own " +
    'late FIN from leaving, so that socket lingers in LAST-ACK). On kernels before 6.2 the same ' +
    'RST is out of window for the new SYN_SENT entry, INVALID, not un-NATed (or dropped), the ' +
    'leaked socket survives and the SYN retransmits until the connect times out: that is the ' +
    'failure the catalogue entry describes, and these bundles do not show it because this ' +
    'kernel does not produce it. Variants: kernel-chosen port to the same service with ' +
    'conntrack events; bound port to a second Service VIP with an INVALID drop rule, capture ' +
    'only.',
  variants: [portRangeReuse, boundPortSecondService],
};
