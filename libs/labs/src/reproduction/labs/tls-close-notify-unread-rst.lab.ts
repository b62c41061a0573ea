import { randomUUID } from 'node:crypto';
import type { LabContext, LabDefinition, LabExpectation, LabVariant } from '../kit/index.js';
import { makeLabCertificate, startListening, startTlsClient } from './close-race-lab-programs.js';
import { inRecordedLab } from './lab-frame.js';
import { directPair, routedLab } from './nat-lab-topologies.js';
import { plainDnatRules } from './plain-dnat-rules.js';
import { endpointField, startAppClient, startUpstreamServer } from './sidecar-lab-programs.js';

const ROOT_CAUSE = 'tls-close-notify-unread-rst';

/**
 * A TLS server in the pod on 127.0.0.1:5432 and a port-forward relay beside it (the kubelet's
 * end of `kubectl port-forward`), reached from a workstation namespace. The client runs one
 * query and idles; the server's idle timeout sends close_notify and, 100 ms later, close()s
 * without having read the client's answering close_notify: the kernel sends RST, the relay's
 * read fails with "connection reset by peer" and it gives up the whole forward ("lost
 * connection to pod"), as client-go >= 0.24 does. Capture on the pod's lo, like the seed.
 */
const portForwardTls: LabVariant = {
  id: 'port-forward-tls-lo-capture',
  summary:
    'workstation -> relay in pod -> TLS server on 127.0.0.1:5432; idle close_notify then close() 100 ms later; capture on pod lo, ss, port-forward/client/server logs; no conntrack',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = directPair(151, { client: 'laptop', host: 'pod' });
    const certificate = makeLabCertificate('postgres-0.postgres');
    try {
      return await inRecordedLab(ctx, { topology: plan.spec }, async (lab, recorder) => {
        await recorder.startCapture({ role: 'pod', iface: 'lo' });
        await startListening(lab, 'pod', 'tls-server', {
          listen: { host: '127.0.0.1', port: 5432 },
          certFile: certificate.certFile,
          keyFile: certificate.keyFile,
          idleTimeoutMs: 800,
          closeGapMs: 100,
          name: 'postgres',
          logFile: recorder.file('server.log'),
        });
        const relay = await startListening(lab, 'pod', 'port-forward-relay', {
          listen: { host: plan.hostIp, port: 15432 },
          target: { host: '127.0.0.1', port: 5432 },
          pod: 'postgres-0',
          // The path a CNI plugin gives a pod's namespace; the lab's own name would only leak lab details.
          netnsPath: `/var/run/netns/cni-${randomUUID()}`,
          logFile: recorder.file('port-forward.log'),
        });
        ctx.log('client runs one query through the forward and idles; the server closes it');
        const client = startTlsClient(lab, 'laptop', {
          target: { host: plan.hostIp, port: 15432 },
          queries: ['select 1;'],
          holdMs: 3000,
          name: 'psql',
          logFile: recorder.file('client.log'),
        });
        const relaying = await relay.waitFor('relaying');
        await relay.waitFor('lost', 5000);
        ctx.log('the forward lost its connection to the pod');
        await client.waitFor('done', 5000);
        recorder.snapshot('pod', ['sockets', 'nstat', 'sysctl', 'uname']);
        await recorder.finish('pod');
        return {
          rootCause: ROOT_CAUSE,
          flow: { client: endpointField(relaying, 'local'), server: '127.0.0.1:5432' },
        };
      });
    } finally {
      certificate.remove();
    }
  },
};

/**
 * Plain TCP, no TLS: a cache-like line server behind a node's DNAT answers one request and
 * closes 150 ms later without reading anything more; the client's goodbye ("QUIT"), sent on
 * the reply, is still unread then, so the close is a RST and the client's read fails. Client
 * capture (256-byte snaplen), conntrack events (no timestamps) and rules on the node.
 */
const plainTcpGoodbye: LabVariant = {
  id: 'plain-tcp-unread-quit-node-dnat',
  summary:
    'client -> node DNAT 10.78.201.20:6379 -> server:6380; server stops reading after one reply, close() 150 ms later with QUIT unread; client capture snaplen 256, node conntrack -E (no timestamps), conntrack -L, iptables-save, client/server logs',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = routedLab({
      clientNet: 161,
      serverNet: 162,
      clients: ['client'],
      servers: ['cache'],
      router: 'node',
    });
    const service = { host: '10.78.201.20', port: 6379 };
    const backend = { host: plan.serverIps[0]!, port: 6380 };
    return inRecordedLab(
      ctx,
      { topology: plan.spec, rules: { node: plainDnatRules(service, backend) } },
      async (lab, recorder) => {
        await recorder.startCapture({ role: 'client', iface: 'eth0', snaplen: 256 });
        await recorder.startConntrackEvents({ role: 'node', timestamps: false });
        await startUpstreamServer(lab, 'cache', {
          listen: { host: '0.0.0.0', port: backend.port },
          reply: '$5 hello',
          unreadCloseAfterMs: 150,
          name: 'cache',
          logFile: recorder.file('cache.log'),
        });
        ctx.log('client sends GET, then QUIT on the reply; the server has stopped reading');
        const client = startAppClient(lab, 'client', {
          name: 'session-api',
          logFile: recorder.file('client.log'),
          connections: [
            { target: service, request: 'GET session:42', afterReply: 'QUIT', holdMs: 2000 },
          ],
        });
        const connected = await client.waitFor('connected');
        await client.waitFor('failed', 4000);
        await client.waitFor('done', 4000);
        recorder.snapshot('node', ['conntrack-table', 'iptables', 'sysctl', 'uname']);
        await recorder.finish('node');
        return {
          rootCause: ROOT_CAUSE,
          flow: {
            client: endpointField(connected, 'local'),
            server: `${service.host}:${service.port}`,
            serverAlternatives: [`${backend.host}:${backend.port}`],
          },
        };
      },
    );
  },
};

export const tlsCloseNotifyUnreadRstLab: LabDefinition = {
  id: ROOT_CAUSE,
  rootCause: ROOT_CAUSE,
  title: 'A close with unread bytes in the receive buffer becomes a RST',
  description:
    'A server close()s a connection while bytes it never read sit in its receive buffer; the ' +
    'kernel then sends RST instead of FIN, and the peer\'s read fails with "connection reset by ' +
    'peer". Variant 1 is the TLS case: a Node TLS server on 127.0.0.1:5432 in a pod closes an ' +
    'idle connection the way a C server does, SSL_shutdown() (close_notify) then close(), with ' +
    "the gap between the two widened to 100 ms so that the client's answering close_notify is " +
    'always in the buffer (in production it wins a microsecond race now and then); the peer is ' +
    'a port-forward relay standing in for the kubelet end of kubectl port-forward, which logs ' +
    'the reset and "lost connection to pod" in the shape of client-go >= 0.24 and ends the ' +
    'forward. Variant 2 is plain TCP behind a node DNAT: a server that stops reading after one ' +
    'request and closes with the client\'s "QUIT" unread.',
  variants: [portForwardTls, plainTcpGoodbye],
};
