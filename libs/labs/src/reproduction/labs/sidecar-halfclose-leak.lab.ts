import type { LabContext, LabDefinition, LabExpectation, LabVariant } from '../kit/index.js';
import { inboundCaptureRules, outboundCaptureRules } from './istio-style-rules.js';
import { inRecordedLab } from './lab-frame.js';
import { directPair } from './nat-lab-topologies.js';
import {
  SIDECAR_UID,
  endpointField,
  startAppClient,
  startOutboundSidecarPath,
  startSidecarProxy,
  startUpstreamServer,
} from './sidecar-lab-programs.js';

const ROOT_CAUSE = 'sidecar-halfclose-leak';

/**
 * Outbound: the app in the pod dials the upstream service; istio-style OUTPUT rules REDIRECT
 * it to the sidecar on 15001. The upstream ends the session (FIN); the sidecar forwards it as
 * a half-close, the app ACKs (conntrack: CLOSE_WAIT, 2 s here) and closes 2.6 s later. The
 * entry is gone by then, the FIN is INVALID, is not un-REDIRECTed, leaves on eth0 to the
 * upstream's real address and draws a RST from there; the sidecar's socket stays FIN-WAIT-2
 * until its idle timeout (5 s here, 1 h in Envoy).
 */
const outboundRedirect: LabVariant = {
  id: 'outbound-redirect-full-artifacts',
  summary:
    'app -> REDIRECT 15001 -> sidecar -> upstream; close_wait 2 s, app closes 2.6 s after EOF; capture -i any, conntrack -E -o timestamp, ss, conntrack -L/-S, access log, app log',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = directPair(131, { client: 'pod', host: 'upstream' }, {});
    const upstream = { host: plan.hostIp, port: 7777 };
    return inRecordedLab(
      ctx,
      {
        topology: {
          ...plan.spec,
          sysctls: { pod: { 'net.netfilter.nf_conntrack_tcp_timeout_close_wait': 2 } },
        },
        rules: { pod: outboundCaptureRules({ proxyPort: 15001, proxyUid: SIDECAR_UID }) },
      },
      async (lab, recorder) => {
        await recorder.startCapture({ role: 'pod', iface: 'any' });
        await recorder.startConntrackEvents({ role: 'pod' });
        const proxy = await startOutboundSidecarPath(lab, {
          upstream: {
            listen: { host: '0.0.0.0', port: upstream.port },
            reply: 'order 4711 shipped',
            closeAfterReplyMs: 150,
          },
          proxyTarget: upstream,
          idleTimeoutMs: 5000,
          accessLog: recorder.file('istio-proxy-access.log'),
        });
        ctx.log('app dials the upstream through the sidecar; it will close 2.6 s after EOF');
        const app = startAppClient(lab, 'pod', {
          logFile: recorder.file('app.log'),
          connections: [
            {
              target: upstream,
              request: 'GET /orders/4711',
              closeAfterEofMs: 2600,
              lingerAfterCloseMs: 300,
            },
          ],
        });
        const connected = await app.waitFor('connected');
        const client = endpointField(connected, 'local');
        await app.waitFor('done', 8000);
        ctx.log('app closed late; snapshot while the sidecar socket sits in FIN-WAIT-2');
        recorder.snapshot('pod', ['sockets', 'conntrack-table', 'conntrack-stats', 'nstat']);
        await proxy.waitFor('closed', 5000);
        ctx.log('sidecar idle timeout ended the session');
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
 * Inbound: a client in another namespace calls the pod's app port 8080; PREROUTING REDIRECTs
 * it to the sidecar's 15006, which connects to the app on 127.0.0.1. The app answers and
 * closes; the sidecar half-closes toward the client. The client (a slow caller) closes 1.8 s
 * later, past the pod's 1 s close_wait: its FIN is INVALID in the pod, is not REDIRECTed and
 * reaches the app's own listener on 8080, which answers RST. The sidecar's socket on 15006
 * stays FIN-WAIT-2. No capture: only what ss and conntrack show.
 */
const inboundRedirect: LabVariant = {
  id: 'inbound-redirect-events-no-capture',
  summary:
    'client -> pod:8080 REDIRECT 15006 -> sidecar -> app on 127.0.0.1; close_wait 1 s, client closes 1.8 s after EOF; conntrack -E (no timestamps), ss, conntrack -L/-S, access log, client log; no capture',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = directPair(
      132,
      { client: 'client', host: 'pod' },
      { 'net.netfilter.nf_conntrack_tcp_timeout_close_wait': 1 },
    );
    return inRecordedLab(
      ctx,
      {
        topology: plan.spec,
        rules: { pod: inboundCaptureRules({ proxyPort: 15006, appPorts: [8080] }) },
      },
      async (lab, recorder) => {
        await recorder.startConntrackEvents({ role: 'pod', timestamps: false });
        await startUpstreamServer(lab, 'pod', {
          listen: { host: '0.0.0.0', port: 8080 },
          reply: '{"status":"accepted"}',
          closeAfterReplyMs: 80,
          name: 'app',
        });
        const proxy = await startSidecarProxy(lab, 'pod', {
          listen: { host: '0.0.0.0', port: 15006 },
          upstream: { host: '127.0.0.1', port: 8080 },
          idleTimeoutMs: 4000,
          uid: SIDECAR_UID,
          accessLog: recorder.file('envoy-access.log'),
        });
        ctx.log('client calls the pod; it will close 1.8 s after EOF');
        const client = startAppClient(lab, 'client', {
          name: 'billing-client',
          logFile: recorder.file('client.log'),
          connections: [
            {
              target: { host: plan.hostIp, port: 8080 },
              request: 'POST /invoices',
              closeAfterEofMs: 1800,
              lingerAfterCloseMs: 300,
            },
          ],
        });
        const connected = await client.waitFor('connected');
        const local = endpointField(connected, 'local');
        await client.waitFor('done', 8000);
        ctx.log('client closed late; snapshot while the sidecar socket sits in FIN-WAIT-2');
        recorder.snapshot('pod', ['sockets', 'conntrack-table', 'conntrack-stats', 'iptables']);
        await proxy.waitFor('closed', 5000);
        recorder.snapshot('pod', ['sysctl', 'uname']);
        await recorder.finish('pod');
        return {
          rootCause: ROOT_CAUSE,
          flow: {
            client: local,
            server: `${plan.hostIp}:8080`,
            serverAlternatives: [`${plan.hostIp}:15006`],
          },
        };
      },
    );
  },
};

export const sidecarHalfcloseLeakLab: LabDefinition = {
  id: ROOT_CAUSE,
  rootCause: ROOT_CAUSE,
  title: 'Sidecar half-close leaks a proxy socket in FIN-WAIT-2',
  description:
    'A pod namespace with istio-style iptables REDIRECT rules and a Node TCP proxy standing in ' +
    "for Envoy's tcp_proxy (it forwards a FIN as shutdown(SHUT_WR) and keeps reading, and only " +
    "its idle timeout ends a session; its access log uses Envoy's default text format). One " +
    "side closes, the sidecar half-closes toward the other, which closes only after the pod's " +
    'nf_conntrack_tcp_timeout_close_wait (shrunk to 1-2 s). By then the conntrack entry has ' +
    'expired, the late FIN is INVALID and is not un-NATed: outbound it leaves eth0 for the ' +
    "upstream's real address (answered by RST), inbound it reaches the app's own listener " +
    '(answered by RST). The sidecar never sees it; ss shows its socket in FIN-WAIT-2, which ' +
    'tcp_fin_timeout does not end because the socket is not orphaned, until the proxy idle ' +
    'timeout (5 s here, 1 h by default in Envoy). Variants: outbound capture via 15001 with ' +
    'conntrack events; inbound via 15006 with conntrack events only.',
  variants: [outboundRedirect, inboundRedirect],
};
