import {
  ArtifactRecorder,
  LabTopology,
  overrideHostSysctl,
  sleep,
  type HostSysctlOverride,
  type LabContext,
  type LabDefinition,
  type LabExpectation,
  type LabProgram,
  type LabVariant,
} from '../kit/index.js';
import { readFileSync } from 'node:fs';
import { run as runCommand } from '../../shell/run-command.js';
import { parseNamespaceList } from '../kit/lab-prefix.js';
import { routedLab } from './nat-lab-topologies.js';
import { plainDnatRules } from './plain-dnat-rules.js';
import { clientResults, startTcpClient, startTcpServer } from './tcp-lab-programs.js';

const ROOT_CAUSE = 'conntrack-table-full';
/** The starved client binds a known port: it never connects, so nothing else would name it. */
const VICTIM_PORT = 41017;

/**
 * Holds `count` real, ASSURED connections open (request and answer seen both ways) so the
 * conntrack table of the namespace on their path fills with entries early_drop may not evict.
 */
async function fillWithConnections(
  lab: LabTopology,
  role: string,
  target: string,
  count: number,
): Promise<LabProgram> {
  const fleet = startTcpClient(lab, role, {
    target,
    label: 'fleet',
    connections: count,
    steps: [
      { write: 'SUBSCRIBE prices\n' },
      { read: { timeoutMs: 5000 } },
      { await: 'release' },
      { destroy: true },
    ],
  });
  const deadline = Date.now() + 5000 + count * 5;
  while (fleet.events.filter((e) => e.event === 'awaiting').length < count) {
    if (Date.now() > deadline) throw new Error('the fleet did not open all its connections');
    await sleep(50);
  }
  return fleet;
}

function conntrackCount(lab: LabTopology, role: string): number {
  return Number(lab.run(role, ['cat', '/proc/sys/net/netfilter/nf_conntrack_count']).trim());
}

/**
 * The most entries any namespace outside this lab holds now (the host's and every named
 * one): the lab fills its own table well above that, so the lowered host-wide limit never
 * bites another namespace, even one that grows a little meanwhile.
 */
function busiestOtherNamespace(lab: LabTopology): number {
  const ours = new Set(lab.roles.map((role) => lab.ns(role)));
  const counts = [Number(readFileSync('/proc/sys/net/netfilter/nf_conntrack_count', 'utf8'))];
  for (const name of parseNamespaceList(runCommand(['ip', 'netns', 'list']))) {
    if (ours.has(name)) continue;
    try {
      counts.push(
        Number(runCommand(['cat', '/proc/sys/net/netfilter/nf_conntrack_count'], { netns: name })),
      );
    } catch {
      // gone meanwhile, or conntrack never loaded there
    }
  }
  return Math.max(0, ...counts.filter((n) => Number.isFinite(n)));
}

/** How many connections to hold: at least `base`, and twice the busiest other namespace. */
function fillSize(lab: LabTopology, base: number): number {
  return Math.max(base, 2 * busiestOtherNamespace(lab) + 256);
}

/**
 * On this kernel nf_conntrack_max is read-only inside a namespace: the limit is the initial
 * namespace's, compared with each namespace's own count. The lab fills its namespace first,
 * then lowers the host's limit to exactly that count (other namespaces, the host's included,
 * hold far fewer entries) and restores it as soon as the evidence is taken.
 */
function capTableAtCurrentCount(lab: LabTopology, role: string): HostSysctlOverride {
  return overrideHostSysctl('net.netfilter.nf_conntrack_max', conntrackCount(lab, role));
}

/**
 * Variant 1: a node DNATs a service for a fleet of clients; 1000 or more long-lived connections fill
 * its table; a new client's SYNs are dropped ("table full"), retransmitted after 1 s, and its
 * connect times out (tcp_syn_retries=1).
 */
const nodeDnatSynDrops: LabVariant = {
  id: 'node-dnat-client-capture',
  summary:
    'DNAT node with 1000+ held connections, table capped at its count; victim-side capture with SYN retransmits, dmesg, conntrack -S, count/max, sysctl, client log',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = routedLab({
      clientNet: 101,
      serverNet: 102,
      clients: ['fleet', 'checkout'],
      servers: ['quotes'],
      router: 'node',
      sysctls: { checkout: { 'net.ipv4.tcp_syn_retries': 1 } },
    });
    const vip = '10.78.103.50';
    const quotes = plan.serverIps[0] as string;
    const lab = LabTopology.create(ctx.prefix, plan.spec);
    let cap: HostSysctlOverride | undefined;
    try {
      lab.iptablesRestore(
        'node',
        plainDnatRules({ host: vip, port: 443 }, { host: quotes, port: 8443 }),
      );
      await startTcpServer(lab, 'quotes', {
        listen: [{ host: '0.0.0.0', port: 8443 }],
        label: 'quotes',
        mode: 'reply',
        reply: 'OK\n',
      });
      const recorder = new ArtifactRecorder(lab, ctx.outDir);
      const fleet = await fillWithConnections(lab, 'fleet', `${vip}:443`, fillSize(lab, 1000));
      cap = capTableAtCurrentCount(lab, 'node');
      ctx.log(
        `node table holds ${conntrackCount(lab, 'node')} entries; host ${cap.key} lowered to match`,
      );
      await recorder.startCapture({ role: 'checkout', iface: 'eth0' });
      const victim = startTcpClient(lab, 'checkout', {
        target: `${vip}:443`,
        label: 'checkout',
        localPort: VICTIM_PORT,
        logFile: recorder.file('client.log'),
        steps: [{ write: 'GET /quote/EURUSD\n' }, { read: { timeoutMs: 2000 } }],
      });
      const [result] = await clientResults(victim, 10_000);
      ctx.log(`new client: ${result?.ok ? 'connected' : `failed (${result?.code})`}`);
      if (result?.ok !== false || result.code !== 'ETIMEDOUT')
        throw new Error(`the new connection was not starved (${result?.code ?? 'ok'})`);
      recorder.snapshot('node', ['conntrack-stats', 'conntrack-count', 'sysctl', 'uname']);
      cap.restore();
      fleet.send('release');
      await recorder.finish('node');
      return {
        rootCause: ROOT_CAUSE,
        flow: {
          client: `${plan.clientIps[1] as string}:${VICTIM_PORT}`,
          server: `${vip}:443`,
          serverAlternatives: [`${quotes}:8443`],
        },
      };
    } finally {
      cap?.restore();
      lab.close();
    }
  },
};

/**
 * Variant 2: no NAT anywhere; the database host itself tracks connections for its stateful
 * INPUT firewall. 300 or more pooled connections fill its table; a new client gives up after 2.5 s
 * (an application connect timeout, not the kernel's SYN retries).
 */
const serverFirewallAppTimeout: LabVariant = {
  id: 'server-firewall-no-capture',
  summary:
    'stateful INPUT firewall on the server host, 300+ pooled connections, app connect timeout 2.5 s; conntrack -S, count/max, ss, iptables-save, dmesg -T, app logs; no capture, no events',
  async run(ctx: LabContext): Promise<LabExpectation> {
    const plan = routedLab({
      clientNet: 111,
      serverNet: 112,
      clients: ['pool', 'report'],
      servers: ['db'],
      router: 'gw',
    });
    const db = plan.serverIps[0] as string;
    const lab = LabTopology.create(ctx.prefix, plan.spec);
    let cap: HostSysctlOverride | undefined;
    try {
      lab.iptablesRestore(
        'db',
        [
          '*filter',
          ':INPUT ACCEPT [0:0]',
          '-A INPUT -i lo -j ACCEPT',
          '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
          '-A INPUT -p tcp -m tcp --dport 5432 --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack --ctstate NEW -j ACCEPT',
          '-A INPUT -j DROP',
          'COMMIT',
        ].join('\n'),
      );
      const recorder = new ArtifactRecorder(lab, ctx.outDir);
      await startTcpServer(lab, 'db', {
        listen: [{ host: '0.0.0.0', port: 5432 }],
        label: 'postgres',
        mode: 'reply',
        reply: 'R\n',
        logFile: recorder.file('db.log'),
      });
      const pool = await fillWithConnections(lab, 'pool', `${db}:5432`, fillSize(lab, 300));
      cap = capTableAtCurrentCount(lab, 'db');
      ctx.log(`db host table holds ${conntrackCount(lab, 'db')} entries; limit lowered to match`);
      const victim = startTcpClient(lab, 'report', {
        target: `${db}:5432`,
        label: 'report-job',
        localPort: VICTIM_PORT + 1,
        connectTimeoutMs: 2500,
        logFile: recorder.file('client.log'),
        steps: [{ write: 'Q select 1\n' }, { read: { timeoutMs: 2000 } }],
      });
      const [result] = await clientResults(victim, 10_000);
      ctx.log(`new client: ${result?.ok ? 'connected' : `failed (${result?.code})`}`);
      if (result?.ok !== false || result.code !== 'IOTIMEOUT')
        throw new Error(`the new connection was not starved (${result?.code ?? 'ok'})`);
      recorder.snapshot('db', [
        'conntrack-stats',
        'conntrack-count',
        'sockets',
        'iptables',
        'uname',
      ]);
      cap.restore();
      pool.send('release');
      await recorder.finish('db', { human: true });
      // No artifact of this variant names the starved client's port (a failed dial never
      // learns it), so the expectation names the cause only.
      return { rootCause: ROOT_CAUSE };
    } finally {
      cap?.restore();
      lab.close();
    }
  },
};

export const conntrackTableFullLab: LabDefinition = {
  id: ROOT_CAUSE,
  rootCause: ROOT_CAUSE,
  title: 'conntrack table full: new connections are dropped',
  description:
    'Hundreds of real, ASSURED connections fill the conntrack table of a namespace on the ' +
    'path (a DNAT node, or a host with a stateful INPUT firewall); the limit is then set to ' +
    'exactly that count. Every new connection\'s SYN is dropped with "nf_conntrack: table ' +
    'full, dropping packet" in the kernel log and conntrack -S drop counting up; the client ' +
    'retransmits its SYN and its connect times out. On this kernel (6.18) ' +
    'net.netfilter.nf_conntrack_max is read-only inside a network namespace: the limit is the ' +
    "initial namespace's, compared with each namespace's own count, so the lab lowers the " +
    'host value for about 3 s (other namespaces hold far fewer entries) and restores it at ' +
    'once, on failure and on exit too (a killed run is repaired by the next lab run).',
  variants: [nodeDnatSynDrops, serverFirewallAppTimeout],
};
