import {
  type ArtifactRecorder,
  type LabTopology,
  seqAdd,
  sniffSegment,
  type LabContext,
  type LabDefinition,
  type LabExpectation,
  type LabVariant,
} from '../kit/index.js';
import { inboundCaptureRules } from './istio-style-rules.js';
import { inRecordedLab } from './lab-frame.js';
import { directPair, routedLab } from './nat-lab-topologies.js';
import { clientResults, startTcpClient, startTcpServer } from './tcp-lab-programs.js';

const ROOT_CAUSE = 'ct-invalid-not-natted-rst';

/** 1 GiB ahead: far past anything conntrack's window tracking could accept. */
const OUT_OF_WINDOW_JUMP = 2 ** 30;

/**
 * Moves the client's next data segment on one connection 1 GiB ahead in sequence space, by
 * an nftables payload rule in the client's own namespace. The segment still carries the
 * client stack's real ACK, so whatever answers it with a RST answers with a sequence number
 * the client accepts. This stands in for the segment a middlebox, an offload bug or a
 * conntrack window that missed an update makes out-of-window in production.
 */
function pushNextSegmentOutOfWindow(
  lab: LabTopology,
  role: string,
  flow: { clientPort: number; serverIp: string; serverPort: number },
  clientNextSeq: number,
): void {
  const seq = seqAdd(clientNextSeq, OUT_OF_WINDOW_JUMP);
  lab.run(
    role,
    ['nft', '-f', '-'],
    [
      'table ip nmlab_mangle {',
      '  chain out {',
      '    type filter hook output priority 0; policy accept;',
      `    ip daddr ${flow.serverIp} tcp sport ${flow.clientPort} tcp dport ${flow.serverPort} tcp flags & psh == psh tcp sequence set ${seq}`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
}

function portOf(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
}

interface Exchange {
  /** The client's socket, `ip:port`. */
  local: string;
  /** How the client's second request ended (`ECONNRESET` when the lab worked). */
  code: string | undefined;
}

/**
 * One request/response, a pause, then a second request whose segment is pushed out of
 * conntrack's window; returns the client socket and how the second request ended.
 */
async function requestThenOutOfWindow(
  lab: LabTopology,
  recorder: ArtifactRecorder,
  target: { ip: string; port: number },
  pauseMs: number,
): Promise<Exchange> {
  let client: ReturnType<typeof startTcpClient> | undefined;
  // The server's answer to the first request acknowledges everything the client sent: its
  // ACK number is where the client's next segment starts.
  const answer = await sniffSegment(
    lab,
    'client',
    'eth0',
    `tcp src port ${target.port} and tcp[tcpflags] & tcp-push != 0`,
    {
      onListening: () => {
        client = startTcpClient(lab, 'client', {
          target: `${target.ip}:${target.port}`,
          logFile: recorder.file('client.log'),
          steps: [
            { write: 'PUT /objects/upload-1 part=1\n' },
            { read: { timeoutMs: 2000 } },
            { sleepMs: pauseMs },
            { await: 'go' },
            { write: 'PUT /objects/upload-1 part=2\n' },
            { read: { timeoutMs: 2500 } },
          ],
        });
      },
    },
  );
  if (!client || answer.ack === undefined) throw new Error('no answer to the first request');
  const connected = await client.waitFor('connected');
  const local = String(connected.local);
  await client.waitFor('awaiting');
  pushNextSegmentOutOfWindow(
    lab,
    'client',
    { clientPort: portOf(local), serverIp: target.ip, serverPort: target.port },
    answer.ack,
  );
  client.send('go');
  const [result] = await clientResults(client);
  return { local, code: result?.code };
}

/**
 * Variant 1: Istio-style sidecar. In the pod namespace, inbound TCP to the app's port 8080 is
 * REDIRECTed to the proxy on 15006; the app itself listens on 8080. The out-of-window segment
 * is INVALID, skips the nat table, lands on the app's listener, which answers a bare RST.
 */
const sidecarRedirect: LabVariant = {
  id: 'sidecar-redirect-full-artifacts',
  summary:
    'pod netns with REDIRECT 8080->15006 (sidecar), no INVALID drop; full capture + conntrack -E -o timestamp + conntrack -L/-S + ss + nstat in the pod',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = directPair(
      41,
      { client: 'client', host: 'pod' },
      { 'net.netfilter.nf_conntrack_tcp_be_liberal': 0 },
    );
    return inRecordedLab(
      ctx,
      {
        topology: plan.spec,
        rules: { pod: inboundCaptureRules({ proxyPort: 15006, exemptPorts: [15008, 15020] }) },
      },
      async (lab, recorder) => {
        await recorder.startCapture({ role: 'pod', iface: 'eth0' });
        await recorder.startConntrackEvents({ role: 'pod' });
        await startTcpServer(lab, 'pod', {
          listen: [{ host: '0.0.0.0', port: 8080 }],
          label: 'app',
          logFile: recorder.file('app.log'),
        });
        await startTcpServer(lab, 'pod', {
          listen: [{ host: '0.0.0.0', port: 15006 }],
          label: 'envoy-inbound',
          logFile: recorder.file('sidecar.log'),
        });
        ctx.log('pod ready: app on 8080, sidecar on 15006 behind REDIRECT');
        const exchange = await requestThenOutOfWindow(
          lab,
          recorder,
          { ip: plan.hostIp, port: 8080 },
          400,
        );
        ctx.log(
          `client ${exchange.local}: second request ended with ${exchange.code ?? 'success'}`,
        );
        if (exchange.code !== 'ECONNRESET')
          throw new Error(`the client was not reset (${exchange.code ?? 'no error'})`);
        recorder.snapshot('pod', [
          'uname',
          'sockets',
          'conntrack-table',
          'conntrack-stats',
          'iptables',
          'sysctl',
          'nstat',
        ]);
        await recorder.finish('pod');
        return {
          rootCause: ROOT_CAUSE,
          flow: {
            client: exchange.local,
            server: `${plan.hostIp}:8080`,
            serverAlternatives: [`${plan.hostIp}:15006`],
          },
        };
      },
    );
  },
};

/**
 * Variant 2: kube-proxy-style NodePort. The client dials the node's 30080, DNAT sends it to
 * a backend pod's 8080 (with masquerade). The out-of-window segment skips DNAT, is delivered
 * to the node itself, where no socket has 30080: the node's TCP stack answers RST.
 */
const nodePortDnat: LabVariant = {
  id: 'nodeport-dnat-client-capture',
  summary:
    'NodePort DNAT on a node router, RST from the node stack (no listener); client-side capture (snaplen 256), conntrack -S, rules, dmesg -T, client log; no events, no ss',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = routedLab({
      clientNet: 52,
      serverNet: 53,
      clients: ['client'],
      servers: ['pod'],
      router: 'node',
      sysctls: { node: { 'net.netfilter.nf_conntrack_tcp_be_liberal': 0 } },
    });
    const nodeIp = plan.routerClientIp;
    const podIp = plan.serverIps[0] as string;
    return inRecordedLab(
      ctx,
      {
        topology: plan.spec,
        rules: {
          node: [
            '*nat',
            ':KUBE-SERVICES - [0:0]',
            ':KUBE-NODEPORTS - [0:0]',
            ':KUBE-SVC-SHOP - [0:0]',
            ':KUBE-SEP-SHOP1 - [0:0]',
            ':KUBE-MARK-MASQ - [0:0]',
            ':KUBE-POSTROUTING - [0:0]',
            '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
            '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
            '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
            '-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
            '-A KUBE-NODEPORTS -p tcp -m comment --comment "shop/orders:http" -m tcp --dport 30080 -j KUBE-SVC-SHOP',
            '-A KUBE-SVC-SHOP -m comment --comment "shop/orders:http" -j KUBE-MARK-MASQ',
            '-A KUBE-SVC-SHOP -m comment --comment "shop/orders:http -> ' +
              podIp +
              ':8080" -j KUBE-SEP-SHOP1',
            `-A KUBE-SEP-SHOP1 -p tcp -m comment --comment "shop/orders:http" -m tcp -j DNAT --to-destination ${podIp}:8080`,
            '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
            '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
            '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
            '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
            'COMMIT',
          ].join('\n'),
        },
      },
      async (lab, recorder) => {
        await recorder.startCapture({ role: 'client', iface: 'eth0', snaplen: 256 });
        await startTcpServer(lab, 'pod', {
          listen: [{ host: '0.0.0.0', port: 8080 }],
          label: 'orders',
          logFile: recorder.file('orders-pod.log'),
        });
        ctx.log(`NodePort ${nodeIp}:30080 -> ${podIp}:8080 ready`);
        const exchange = await requestThenOutOfWindow(
          lab,
          recorder,
          { ip: nodeIp, port: 30080 },
          1500,
        );
        ctx.log(
          `client ${exchange.local}: second request ended with ${exchange.code ?? 'success'}`,
        );
        if (exchange.code !== 'ECONNRESET')
          throw new Error(`the client was not reset (${exchange.code ?? 'no error'})`);
        recorder.snapshot('node', ['uname', 'conntrack-stats', 'iptables', 'sysctl']);
        await recorder.finish('node', { human: true });
        return {
          rootCause: ROOT_CAUSE,
          flow: {
            client: exchange.local,
            server: `${nodeIp}:30080`,
            serverAlternatives: [`${podIp}:8080`],
          },
        };
      },
    );
  },
};

export const ctInvalidNotNattedRstLab: LabDefinition = {
  id: ROOT_CAUSE,
  rootCause: ROOT_CAUSE,
  title: 'INVALID segment skips NAT and is answered by a bare RST',
  description:
    'A client segment far outside conntrack’s TCP window (be_liberal=0, no INVALID drop rule) is ' +
    'marked INVALID, so the nat table never sees it: in a sidecar pod it misses the REDIRECT ' +
    'and reaches the app’s own listener; on a NodePort it misses the DNAT and reaches the node. ' +
    'Either answers with a bare RST whose sequence number the client accepts, and the client ' +
    'sees "connection reset by peer" while the proxy/backend socket stays ESTABLISHED. The ' +
    'segment is moved 1 GiB ahead by an nft payload rule in the client namespace (a stand-in ' +
    'for a middlebox or offload bug). On this kernel a segment far *behind* the window (an old ' +
    'retransmission) is not INVALID: conntrack accepts it without updating its state, NAT ' +
    'still applies and the proxy answers a duplicate ACK, so only the ahead-of-window case ' +
    'reproduces the reset.',
  variants: [sidecarRedirect, nodePortDnat],
};
