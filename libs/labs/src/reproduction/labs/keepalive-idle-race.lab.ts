import type { LabContext, LabDefinition, LabExpectation, LabVariant } from '../kit/index.js';
import { startListening, startPooledClient } from './close-race-lab-programs.js';
import { inRecordedLab } from './lab-frame.js';
import { directPair, routedLab } from './nat-lab-topologies.js';
import { plainDnatRules } from './plain-dnat-rules.js';
import { endpointField } from './sidecar-lab-programs.js';

const ROOT_CAUSE = 'keepalive-idle-race';

/**
 * Client and server wired directly. The server closes connections idle for 1 s (FIN). The
 * client's pool reuses its connection 1.2 s after the first response: its event loop was
 * stalled for the last 300 ms (a GC pause), so the FIN that arrived at 1 s was not processed
 * and the pool still held the connection as free. The request reaches a closed socket, the
 * server's kernel answers RST; the client reads EOF first: "socket hang up".
 */
const directClientStall: LabVariant = {
  id: 'direct-client-stall-capture',
  summary:
    'client <-> server:8080, server idle timeout 1 s (FIN); client reuses the pooled connection after 0.9 s + a 300 ms event-loop stall; client capture, ss, client log, access log',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = directPair(171, { client: 'client', host: 'server' });
    return inRecordedLab(ctx, { topology: plan.spec }, async (lab, recorder) => {
      await recorder.startCapture({ role: 'client', iface: 'eth0' });
      const server = await startListening(lab, 'server', 'http-keepalive-server', {
        listen: { host: '0.0.0.0', port: 8080 },
        idleTimeoutMs: 1000,
        logFile: recorder.file('access.log'),
      });
      ctx.log('first request, then reuse of the pooled connection as the server closes it');
      const client = startPooledClient(lab, 'client', {
        target: { host: plan.hostIp, port: 8080 },
        requests: [{ path: '/api/cart' }, { path: '/api/cart/items', afterMs: 900, stallMs: 300 }],
        userAgent: 'checkout-worker/2.3 node',
        name: 'checkout-worker',
        logFile: recorder.file('client.log'),
      });
      const failed = await client.waitFor('failed', 5000);
      await server.waitFor('idle-close');
      await client.waitFor('done', 3000);
      recorder.snapshot('client', ['sockets', 'nstat', 'sysctl', 'uname']);
      await recorder.finish('client');
      return {
        rootCause: ROOT_CAUSE,
        flow: { client: endpointField(failed, 'local'), server: `${plan.hostIp}:8080` },
      };
    });
  },
};

/**
 * The client calls a Service VIP that a node DNATs to the server. The server's idle timeout is
 * 1.5 s; the client reuses its connection 1.6 s after the first response. This time the
 * server is the stalled one (from 1.4 s to 2 s): when it resumes, the idle timer fires before
 * the request that arrived meanwhile is read, so close() finds unread data and sends RST
 * without any FIN; the client's read fails with ECONNRESET. Conntrack events with timestamps
 * on the node show the idle gap and the RST; no capture.
 */
const vipServerStall: LabVariant = {
  id: 'service-vip-server-stall-conntrack-events',
  summary:
    'client -> node DNAT 10.78.202.30:80 -> server:8080, idle timeout 1.5 s; server stalled 1.4-2.0 s, request at 1.6 s lands unread, close() sends RST; node conntrack -E -o timestamp, conntrack -L, iptables-save, client log, access log; no capture',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = routedLab({
      clientNet: 181,
      serverNet: 182,
      clients: ['client'],
      servers: ['server'],
      router: 'node',
    });
    const service = { host: '10.78.202.30', port: 80 };
    const backend = { host: plan.serverIps[0]!, port: 8080 };
    return inRecordedLab(
      ctx,
      { topology: plan.spec, rules: { node: plainDnatRules(service, backend) } },
      async (lab, recorder) => {
        await recorder.startConntrackEvents({ role: 'node' });
        const server = await startListening(lab, 'server', 'http-keepalive-server', {
          listen: { host: '0.0.0.0', port: backend.port },
          idleTimeoutMs: 1500,
          stallAfterFirstRequest: { atMs: 1400, forMs: 600 },
          logFile: recorder.file('access.log'),
        });
        ctx.log('first request, then reuse 1.6 s later while the server is stalled');
        const client = startPooledClient(lab, 'client', {
          target: service,
          requests: [{ path: '/v1/prices' }, { path: '/v1/prices?page=2', afterMs: 1600 }],
          userAgent: 'pricing-sync/1.9',
          name: 'pricing-sync',
          logFile: recorder.file('client.log'),
        });
        const failed = await client.waitFor('failed', 6000);
        await server.waitFor('idle-close');
        await client.waitFor('done', 3000);
        recorder.snapshot('node', ['conntrack-table', 'iptables', 'sysctl', 'uname']);
        await recorder.finish('node');
        return {
          rootCause: ROOT_CAUSE,
          flow: {
            client: endpointField(failed, 'local'),
            server: `${service.host}:${service.port}`,
            serverAlternatives: [`${backend.host}:${backend.port}`],
          },
        };
      },
    );
  },
};

export const keepaliveIdleRaceLab: LabDefinition = {
  id: ROOT_CAUSE,
  rootCause: ROOT_CAUSE,
  title: 'A pooled keep-alive connection is reused just as the server closes it',
  description:
    'An HTTP/1.1 server closes keep-alive connections idle for 1-1.5 s (like nginx ' +
    "keepalive_timeout or Go's IdleTimeout, without advertising it in a Keep-Alive header; " +
    "the access log uses nginx's combined format) and a Node http.Agent pool reuses its " +
    'connection at that moment. The race is made deterministic by stalling one event loop ' +
    '(a GC pause): in variant 1 the client, which therefore sends its request after the ' +
    "server's FIN has arrived but before it noticed it; the server's kernel answers RST and the " +
    'client reports "socket hang up". In variant 2 the server, whose idle timer then fires ' +
    'before it reads the request that arrived meanwhile, so its close() becomes a RST without ' +
    'FIN and the client reports "read ECONNRESET". Variant 2 goes through a Service VIP that a ' +
    'node DNATs and records conntrack events there instead of a capture.',
  variants: [directClientStall, vipServerStall],
};
