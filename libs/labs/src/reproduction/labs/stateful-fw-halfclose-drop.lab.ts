import {
  type LabContext,
  type LabDefinition,
  type LabExpectation,
  type LabVariant,
} from '../kit/index.js';
import { inRecordedLab } from './lab-frame.js';
import { routedLab } from './nat-lab-topologies.js';
import { clientResults, startTcpClient, startTcpServer } from './tcp-lab-programs.js';

const ROOT_CAUSE = 'stateful-fw-halfclose-drop';

/**
 * A multi-tenant node's FORWARD policy: pods may open connections to the allowed service,
 * everything else must belong to a tracked connection; the last rule rejects (or drops).
 */
function statefulForwardRules(options: {
  clientNet: string;
  server: string;
  port: number;
  verdict: 'REJECT' | 'DROP';
}): string {
  const last =
    options.verdict === 'REJECT' ? '-j REJECT --reject-with icmp-port-unreachable' : '-j DROP';
  return [
    '*filter',
    ':FORWARD ACCEPT [0:0]',
    ':TENANT-FORWARD - [0:0]',
    '-A FORWARD -j TENANT-FORWARD',
    '-A TENANT-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    `-A TENANT-FORWARD -s ${options.clientNet} -d ${options.server}/32 -p tcp -m tcp --dport ${options.port} --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack --ctstate NEW -j ACCEPT`,
    `-A TENANT-FORWARD ${last}`,
    'COMMIT',
  ].join('\n');
}

/**
 * Variant 1 (the classic report): the server sends its answer and half-closes; the client
 * keeps its side open and sends more a few seconds later. On the node the entry went
 * FIN_WAIT -> CLOSE_WAIT (timeout shrunk to 2 s) and expired; the client's next segment is
 * NEW-but-not-SYN, the node rejects it with ICMP port unreachable, every retransmission too.
 */
const serverFinReject: LabVariant = {
  id: 'server-fin-reject-client-capture',
  summary:
    'server half-closes first, CLOSE_WAIT timeout 2 s, REJECT icmp-port-unreachable; client capture + nstat + client log, node conntrack -E -o timestamp, -S, iptables-save -c, sysctl',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = routedLab({
      clientNet: 81,
      serverNet: 82,
      clients: ['pod'],
      servers: ['git'],
      router: 'node',
      sysctls: {
        node: {
          'net.netfilter.nf_conntrack_tcp_timeout_close_wait': 2,
          'net.netfilter.nf_conntrack_tcp_timeout_fin_wait': 2,
        },
        // The pod gives up after a few retransmissions instead of 15 minutes.
        pod: { 'net.ipv4.tcp_retries2': 2 },
      },
    });
    const gitIp = plan.serverIps[0] as string;
    const port = 9418;
    return inRecordedLab(
      ctx,
      {
        topology: plan.spec,
        rules: {
          node: statefulForwardRules({
            clientNet: '10.78.81.0/24',
            server: gitIp,
            port,
            verdict: 'REJECT',
          }),
        },
      },
      async (lab, recorder) => {
        await recorder.startCapture({ role: 'pod', iface: 'eth0' });
        await recorder.startConntrackEvents({ role: 'node' });
        await startTcpServer(lab, 'git', {
          listen: [{ host: '0.0.0.0', port }],
          label: 'git-daemon',
          mode: 'reply',
          reply: 'packfile 4096 objects\n',
          endAfterReplies: 1,
          onEnd: 'keep',
          logFile: recorder.file('git-daemon.log'),
        });
        const client = startTcpClient(lab, 'pod', {
          target: `${gitIp}:${port}`,
          label: 'git-fetch',
          logFile: recorder.file('client.log'),
          steps: [
            { write: 'git-upload-pack /shop/orders.git\n' },
            { read: { timeoutMs: 2000 } },
            { waitEnd: { timeoutMs: 2000 } },
            { sleepMs: 2600 },
            { write: 'have 3f2a9c0 done\n' },
            // The pod's kernel ends the connection once its retransmissions run out
            // (tcp_retries2=2: about 3 s); the app learns it from its next write.
            { sleepMs: 4000 },
            { write: '0000\n' },
            { sleepMs: 200 },
          ],
        });
        const connected = await client.waitFor('connected');
        const [result] = await clientResults(client, 15_000);
        ctx.log(
          `client ${String(connected.local)}: ${result?.ok ? 'ok' : `failed (${result?.code})`}`,
        );
        if (result?.ok !== false) throw new Error('the client was not stalled');
        recorder.snapshot('pod', ['nstat', 'uname', 'sockets']);
        recorder.snapshot('node', ['conntrack-stats', 'iptables', 'sysctl'], { prefix: 'node-' });
        await recorder.finish('pod');
        return {
          rootCause: ROOT_CAUSE,
          flow: { client: String(connected.local), server: `${gitIp}:${port}` },
        };
      },
    );
  },
};

/**
 * Variant 2: the client half-closes after its request (shutdown write) and the server
 * answers slowly; the entry expires during the wait (CLOSE_WAIT timeout 1 s) and the
 * firewall silently DROPs the server's late answer, which the server retransmits in vain
 * while the client waits.
 */
const clientFinDrop: LabVariant = {
  id: 'client-fin-drop-node-view',
  summary:
    'client half-closes first, slow answer after 2.5 s, CLOSE_WAIT timeout 1 s, DROP; node-side capture (snaplen 256), conntrack -L/-S, rules, server ss, server and client logs; no events',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = routedLab({
      clientNet: 91,
      serverNet: 92,
      clients: ['app'],
      servers: ['report'],
      router: 'node',
      sysctls: {
        node: {
          'net.netfilter.nf_conntrack_tcp_timeout_close_wait': 1,
          'net.netfilter.nf_conntrack_tcp_timeout_fin_wait': 1,
        },
        report: { 'net.ipv4.tcp_retries2': 4 },
      },
    });
    const reportIp = plan.serverIps[0] as string;
    const port = 7070;
    return inRecordedLab(
      ctx,
      {
        topology: plan.spec,
        rules: {
          node: statefulForwardRules({
            clientNet: '10.78.91.0/24',
            server: reportIp,
            port,
            verdict: 'DROP',
          }),
        },
      },
      async (lab, recorder) => {
        await recorder.startCapture({ role: 'node', iface: 'br-s', snaplen: 256 });
        const server = await startTcpServer(lab, 'report', {
          listen: [{ host: '0.0.0.0', port }],
          label: 'report-api',
          mode: 'reply',
          reply: `${'row,'.repeat(300)}\n`,
          replyDelayMs: 2500,
          endAfterReplies: 1,
          onEnd: 'keep',
          logFile: recorder.file('report-api.log'),
        });
        const client = startTcpClient(lab, 'app', {
          target: `${reportIp}:${port}`,
          label: 'exporter',
          logFile: recorder.file('client.log'),
          steps: [{ write: 'EXPORT quarter=3\n' }, { end: true }, { read: { timeoutMs: 5000 } }],
        });
        const connected = await client.waitFor('connected');
        // While the server retransmits into the firewall: its socket shows the backoff.
        await server.waitFor('accepted');
        const [result] = await clientResults(client, 15_000);
        recorder.snapshot('report', ['sockets'], { prefix: 'server-' });
        ctx.log(
          `client ${String(connected.local)}: ${result?.ok ? 'ok' : `failed (${result?.code})`}`,
        );
        if (result?.ok !== false) throw new Error('the client got its answer');
        recorder.snapshot('node', ['conntrack-table', 'conntrack-stats', 'iptables', 'uname']);
        await recorder.finish('node', { kernelLog: false });
        return {
          rootCause: ROOT_CAUSE,
          flow: { client: String(connected.local), server: `${reportIp}:${port}` },
        };
      },
    );
  },
};

export const statefulFwHalfcloseDropLab: LabDefinition = {
  id: ROOT_CAUSE,
  rootCause: ROOT_CAUSE,
  title: 'Stateful firewall drops a half-closed flow after its conntrack entry expires',
  description:
    'A node forwards with "ctstate RELATED,ESTABLISHED accept, new SYNs to the service accept, ' +
    'else REJECT/DROP". One side half-closes; conntrack moves the entry to CLOSE_WAIT, whose ' +
    'timeout (shrunk to 1-2 s) ends long before the application is done. The next segment ' +
    'finds no entry: it is NEW but not a SYN, so the last rule rejects it with ICMP port ' +
    'unreachable (or drops it); every retransmission meets the same fate and the other side ' +
    'waits until it times out.',
  variants: [serverFinReject, clientFinDrop],
};
