import {
  LabProgram,
  type LabContext,
  type LabDefinition,
  type LabExpectation,
  type LabVariant,
} from '../kit/index.js';
import { inRecordedLab } from './lab-frame.js';
import { routedLab } from './nat-lab-topologies.js';
import { clientResults, startTcpClient, startTcpServer } from './tcp-lab-programs.js';

const ROOT_CAUSE = 'snat-port-collision';

function snatRules(options: {
  source: string;
  outIface: string;
  proto: 'tcp' | 'udp';
  toSource: string;
}): string {
  return [
    '*nat',
    ':EGRESS-SNAT - [0:0]',
    '-A POSTROUTING -j EGRESS-SNAT',
    `-A EGRESS-SNAT -s ${options.source} -o ${options.outIface} -p ${options.proto} -m comment --comment "egress gateway" -j SNAT --to-source ${options.toSource}`,
    'COMMIT',
  ].join('\n');
}

/**
 * Variant 1: three pods start a connection to the same API at the same moment; the egress
 * node SNATs them into a two-port range. The third to reach the table finds no free source
 * port: its entry clashes at insertion (insert_failed), the SYN is dropped and retransmitted
 * into the same clash until the application's 2 s connect timeout.
 */
const tcpTwoPortRange: LabVariant = {
  id: 'tcp-two-port-range-inside-capture',
  summary:
    'TCP, SNAT to a 2-port range, 3 simultaneous clients with the same source port; inside capture (snaplen 256), conntrack -L/-S, rules, sysctl, three client logs',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const clients = ['web1', 'web2', 'web3'];
    const plan = routedLab({
      clientNet: 121,
      serverNet: 122,
      clients,
      servers: ['api'],
      router: 'egress',
    });
    const api = plan.serverIps[0] as string;
    return inRecordedLab(
      ctx,
      {
        topology: plan.spec,
        rules: {
          egress: snatRules({
            source: '10.78.121.0/24',
            outIface: 'br-s',
            proto: 'tcp',
            toSource: `${plan.routerServerIp}:40000-40001`,
          }),
        },
      },
      async (lab, recorder) => {
        await recorder.startCapture({ role: 'egress', iface: 'br-c', snaplen: 256 });
        await startTcpServer(lab, 'api', {
          listen: [{ host: '0.0.0.0', port: 443 }],
          label: 'api',
          mode: 'reply',
          reply: '200 OK\n',
          logFile: recorder.file('api.log'),
        });
        const programs = clients.map((role) =>
          startTcpClient(lab, role, {
            target: `${api}:443`,
            label: role,
            localPort: 35000,
            connectTimeoutMs: 2000,
            logFile: recorder.file(`${role}.log`),
            steps: [
              { write: 'GET /v1/stock\n' },
              { read: { timeoutMs: 2000 } },
              { sleepMs: 2500 },
              { close: true },
            ],
          }),
        );
        const results = await Promise.all(programs.map((p) => clientResults(p, 10_000)));
        const loser = results.findIndex(([r]) => r !== undefined && !r.ok);
        if (loser < 0) throw new Error('every client got a source port');
        ctx.log(`${clients[loser]} found no free source port (${results[loser]?.[0]?.code})`);
        recorder.snapshot('egress', [
          'conntrack-table',
          'conntrack-stats',
          'iptables',
          'sysctl',
          'uname',
        ]);
        await recorder.finish('egress', { kernelLog: false });
        return {
          rootCause: ROOT_CAUSE,
          flow: { client: `${plan.clientIps[loser] as string}:35000`, server: `${api}:443` },
        };
      },
    );
  },
};

/**
 * Variant 2: two pods resolve a name at the same moment, each sending its A and AAAA queries
 * back to back (one socket each); the node SNATs DNS into a single source port. One pod's
 * queries clash with the other's entry and are dropped (insert_failed); its resolver waits
 * 1 s per attempt until the other entry expires (nf_conntrack_udp_timeout=2): a DNS delay.
 */
const udpSinglePort: LabVariant = {
  id: 'udp-dns-single-port-events',
  summary:
    'UDP DNS-like A/AAAA pairs from two pods, SNAT to one port, udp timeout 2 s; conntrack -E -o timestamp, -S, rules, sysctl, DNS-only capture on the node, resolver logs',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const clients = ['app1', 'app2'];
    const plan = routedLab({
      clientNet: 131,
      serverNet: 132,
      clients,
      servers: ['dns'],
      router: 'node',
      sysctls: { node: { 'net.netfilter.nf_conntrack_udp_timeout': 2 } },
    });
    const dns = plan.serverIps[0] as string;
    return inRecordedLab(
      ctx,
      {
        topology: plan.spec,
        rules: {
          node: snatRules({
            source: '10.78.131.0/24',
            outIface: 'br-s',
            proto: 'udp',
            toSource: `${plan.routerServerIp}:53000-53000`,
          }),
        },
      },
      async (lab, recorder) => {
        await recorder.startCapture({ role: 'node', iface: 'br-c', filter: 'udp port 53' });
        await recorder.startConntrackEvents({ role: 'node' });
        const server = LabProgram.start(lab, 'dns', 'udp-server', {
          listen: { host: '0.0.0.0', port: 53 },
          label: 'coredns',
          logFile: recorder.file('coredns.log'),
        });
        await server.waitFor('listening');
        const resolvers = clients.map((role) =>
          LabProgram.start(lab, role, 'udp-client', {
            target: `${dns}:53`,
            label: `${role} resolver`,
            logFile: recorder.file(`${role}.log`),
            name: 'cart.shop.svc.cluster.local',
            types: ['A', 'AAAA'],
            timeoutMs: 1000,
            attempts: 4,
            await: 'go',
          }),
        );
        await Promise.all(resolvers.map((r) => r.waitFor('awaiting')));
        const ports = await Promise.all(resolvers.map((r) => r.waitFor('bound')));
        for (const resolver of resolvers) resolver.send('go');
        const done = await Promise.all(resolvers.map((r) => r.waitFor('done', 10_000)));
        const loser = done.findIndex((d) => Number(d.attempts) > 1);
        if (loser < 0) throw new Error('both resolvers were answered at once');
        ctx.log(
          `${clients[loser]} waited ${String(done[loser]?.ms)} ms (${String(done[loser]?.attempts)} attempts)`,
        );
        recorder.snapshot('node', ['conntrack-stats', 'iptables', 'sysctl', 'uname']);
        await recorder.finish('node', { kernelLog: false });
        return {
          rootCause: ROOT_CAUSE,
          flow: {
            client: `${plan.clientIps[loser] as string}:${String(ports[loser]?.localPort)}`,
            server: `${dns}:53`,
          },
        };
      },
    );
  },
};

export const snatPortCollisionLab: LabDefinition = {
  id: ROOT_CAUSE,
  rootCause: ROOT_CAUSE,
  title: 'SNAT source-port collision: insert_failed and dropped first packets',
  description:
    'A gateway SNATs many clients into a tiny source-port range (--to-source IP:PORT-PORT). ' +
    'When two flows to the same destination need the same translated tuple at once, the ' +
    'later entry clashes at insertion: conntrack -S counts insert_failed and the packet is ' +
    'dropped. TCP clients see SYN retransmits and connect timeouts; DNS-like UDP clients see ' +
    'unanswered queries and a resolver retry delay until the other entry expires. On this ' +
    'kernel two queries from the same socket (the classic A/AAAA race) do not collide with ' +
    'each other: clash resolution merges them (clash_resolve); only flows whose translation ' +
    'lands on an already used tuple are dropped.',
  variants: [tcpTwoPortRange, udpSinglePort],
};
