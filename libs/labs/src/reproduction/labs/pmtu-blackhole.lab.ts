import {
  ArtifactRecorder,
  LabTopology,
  sleep,
  type LabContext,
  type LabDefinition,
  type LabExpectation,
  type LabVariant,
} from '../kit/index.js';
import {
  clientOutcomes,
  firstOutcome,
  startHttpClient,
  startHttpServer,
} from './http-lab-programs.js';

/** The link MTU inside the path (a tunnel's payload); both endpoints keep 1500. */
const PATH_MTU = 1280;

/**
 * IPv4, download: client — nodea ==(MTU 1280 "underlay")== nodeb — server. The server's
 * full-size replies cannot cross the narrow hop; nodeb's "fragmentation needed" answer is
 * dropped by its own OUTPUT policy, so the server never learns the path MTU.
 */
async function ipv4DownloadThroughNarrowHop(ctx: LabContext): Promise<LabExpectation> {
  const lab = LabTopology.create(ctx.prefix, {
    namespaces: ['client', 'nodea', 'nodeb', 'server'],
    links: [
      {
        a: { ns: 'client', dev: 'eth0', addresses: ['10.78.51.10/24'] },
        b: { ns: 'nodea', dev: 'eth-c', addresses: ['10.78.51.1/24'] },
      },
      {
        a: { ns: 'nodea', dev: 'tun0', addresses: ['10.78.52.1/30'] },
        b: { ns: 'nodeb', dev: 'tun0', addresses: ['10.78.52.2/30'] },
      },
      {
        a: { ns: 'nodeb', dev: 'eth-s', addresses: ['10.78.53.1/24'] },
        b: { ns: 'server', dev: 'eth0', addresses: ['10.78.53.20/24'] },
      },
    ],
    routes: [
      { ns: 'client', to: 'default', via: '10.78.51.1' },
      { ns: 'nodea', to: '10.78.53.0/24', via: '10.78.52.2' },
      { ns: 'nodeb', to: '10.78.51.0/24', via: '10.78.52.1' },
      { ns: 'server', to: 'default', via: '10.78.53.1' },
    ],
    forwarding: ['nodea', 'nodeb'],
    sysctls: {
      server: { 'net.ipv4.tcp_mtu_probing': 0 },
      client: { 'net.ipv4.tcp_mtu_probing': 0 },
    },
  });
  try {
    for (const role of ['nodea', 'nodeb'])
      lab.run(role, ['ip', 'link', 'set', 'tun0', 'mtu', String(PATH_MTU)]);
    // A "no ICMP errors out of the node" policy, as some hardened node images ship it.
    lab.iptablesRestore(
      'nodeb',
      `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A OUTPUT -p icmp -m icmp --icmp-type 3/4 -j DROP
COMMIT`,
    );
    const rec = new ArtifactRecorder(lab, ctx.outDir);
    await rec.startCapture({ role: 'server', iface: 'eth0', file: 'server-eth0.pcap' });
    const server = await startHttpServer(lab, 'server', {
      host: '0.0.0.0',
      port: 8080,
      logFile: rec.file('server.log'),
      runForMs: 15_000,
    });
    const client = startHttpClient(lab, 'client', {
      target: { host: '10.78.53.20', port: 8080 },
      logFile: rec.file('client.log'),
      runForMs: 12_000,
      sessions: [
        {
          responseTimeoutMs: 6000,
          requests: [{ path: '/bytes/300' }, { path: '/bytes/300000', idleBeforeMs: 200 }],
        },
      ],
    });
    // Mid-stall: the sender's socket shows its retransmissions, mss and pmtu.
    await sleep(3500);
    rec.snapshot('server', ['sockets']);
    const outcomes = await clientOutcomes(client, 12_000);
    await server.stop();
    rec.snapshot('server', ['nstat', 'sysctl', 'uname', 'ip']);
    rec.snapshot('nodeb', ['iptables', 'ip'], { prefix: 'nodeb-' });
    await rec.finish('server');
    const stalled = firstOutcome(outcomes, ['RESPONSE_TIMEOUT']);
    return {
      rootCause: 'pmtu-blackhole',
      flow: { client: stalled.local, server: '10.78.53.20:8080' },
    };
  } finally {
    lab.close();
  }
}

/**
 * IPv6, upload: client — router — server, where the router's link toward the server carries
 * only 1280 bytes (its end of the veth has the smaller MTU, like a tunnel device) while the
 * server's end keeps 1500, so both endpoints announce a 1440-byte MSS. The router's ICMPv6
 * "packet too big" does reach the client's interface, and the client's own firewall drops it.
 */
async function ipv6UploadPacketTooBigDropped(ctx: LabContext): Promise<LabExpectation> {
  const lab = LabTopology.create(ctx.prefix, {
    namespaces: ['client', 'router', 'server'],
    links: [
      { a: { ns: 'client', dev: 'eth0' }, b: { ns: 'router', dev: 'eth-c' } },
      { a: { ns: 'router', dev: 'eth-s' }, b: { ns: 'server', dev: 'eth0' } },
    ],
    ipv6: true,
    sysctls: {
      router: { 'net.ipv6.conf.all.forwarding': 1 },
      client: { 'net.ipv4.tcp_mtu_probing': 0 },
    },
  });
  try {
    // nodad: the lab cannot wait for duplicate address detection.
    const addresses: [string, string, string][] = [
      ['client', 'eth0', 'fd78::a:10/112'],
      ['router', 'eth-c', 'fd78::a:1/112'],
      ['router', 'eth-s', 'fd78::b:1/112'],
      ['server', 'eth0', 'fd78::b:20/112'],
    ];
    for (const [role, dev, address] of addresses)
      lab.run(role, ['ip', '-6', 'addr', 'add', address, 'dev', dev, 'nodad']);
    lab.run('client', ['ip', '-6', 'route', 'add', 'default', 'via', 'fd78::a:1']);
    lab.run('server', ['ip', '-6', 'route', 'add', 'default', 'via', 'fd78::b:1']);
    lab.run('router', ['ip', 'link', 'set', 'eth-s', 'mtu', String(PATH_MTU)]);
    lab.iptablesRestore(
      'client',
      `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type packet-too-big -j DROP
COMMIT`,
      6,
    );
    // Static neighbours: a SYN lost to neighbour discovery would make the kernel start the
    // connection with the 3 s fallback RTO and stretch the retransmissions past the lab.
    const neighbours: [string, string, string, string][] = [
      ['client', 'eth0', 'fd78::a:1', 'router:eth-c'],
      ['router', 'eth-c', 'fd78::a:10', 'client:eth0'],
      ['router', 'eth-s', 'fd78::b:20', 'server:eth0'],
      ['server', 'eth0', 'fd78::b:1', 'router:eth-s'],
    ];
    for (const [role, dev, address, owner] of neighbours) {
      const [ownerRole, ownerDev] = owner.split(':') as [string, string];
      const mac = macAddress(lab, ownerRole, ownerDev);
      lab.run(role, [
        'ip',
        '-6',
        'neigh',
        'replace',
        address,
        'lladdr',
        mac,
        'dev',
        dev,
        'nud',
        'permanent',
      ]);
    }
    const rec = new ArtifactRecorder(lab, ctx.outDir);
    await rec.startCapture({ role: 'client', iface: 'eth0', snaplen: 256, file: 'client.pcap' });
    const server = await startHttpServer(lab, 'server', {
      host: '::',
      port: 8443,
      logFile: rec.file('server.log'),
      runForMs: 15_000,
    });
    const client = startHttpClient(lab, 'client', {
      target: { host: 'fd78::b:20', port: 8443 },
      logFile: rec.file('client.log'),
      runForMs: 12_000,
      sessions: [
        {
          responseTimeoutMs: 6000,
          requests: [
            { method: 'POST', path: '/upload/small', bodyBytes: 500 },
            { method: 'POST', path: '/upload/large', bodyBytes: 200_000, idleBeforeMs: 300 },
          ],
        },
      ],
    });
    await sleep(3500);
    rec.snapshot('client', ['sockets']);
    const outcomes = await clientOutcomes(client, 12_000);
    await server.stop();
    rec.snapshot('client', ['nstat', 'sysctl', 'uname', 'ip']);
    rec.command('client', ['ip6tables-save', '-c'], 'ip6tables-save.txt');
    await rec.finish('client');
    const stalled = firstOutcome(outcomes, ['RESPONSE_TIMEOUT']);
    return {
      rootCause: 'pmtu-blackhole',
      flow: { client: stalled.local, server: '[fd78::b:20]:8443' },
    };
  } finally {
    lab.close();
  }
}

function macAddress(lab: LabTopology, role: string, dev: string): string {
  const shown = lab.run(role, ['ip', 'link', 'show', 'dev', dev]);
  const mac = /link\/ether ([0-9a-f:]{17})/.exec(shown)?.[1];
  if (mac === undefined) throw new Error(`no MAC address on ${dev} in ${role}: ${shown}`);
  return mac;
}

const ipv4Download: LabVariant = {
  id: 'ipv4-narrow-hop-download-server-capture',
  summary:
    'IPv4, four namespaces, the middle hop 1280: the server\'s full-size replies vanish, its "frag needed" is ' +
    "dropped in the node's OUTPUT chain; server-side capture, server ss/nstat/sysctl/ip, the node's iptables and MTUs",
  run: ipv4DownloadThroughNarrowHop,
};

const ipv6Upload: LabVariant = {
  id: 'ipv6-upload-packet-too-big-dropped-client-capture',
  summary:
    'IPv6 upload through a router whose egress is 1280: ICMPv6 packet-too-big reaches the client and is dropped ' +
    'by its ip6tables INPUT rule; client-side capture (snaplen 256), client ss/nstat/sysctl/ip6tables, client log',
  run: ipv6UploadPacketTooBigDropped,
};

export const pmtuBlackholeLab: LabDefinition = {
  id: 'pmtu-blackhole',
  rootCause: 'pmtu-blackhole',
  title: 'Path MTU black hole: ICMP "fragmentation needed" / "packet too big" filtered',
  description:
    'Both endpoints have MTU 1500 and announce MSS 1460/1440, but one hop of the path carries only 1280 bytes ' +
    '(as a tunnel or overlay would). The router that cannot forward a full-size segment answers with ICMP ' +
    'type 3 code 4 (IPv4) or ICMPv6 packet too big, and a firewall drops that answer, so the sender never ' +
    'lowers its segment size (tcp_mtu_probing=0). The handshake and the small first request succeed; the ' +
    'large transfer stalls with the same full-size segment retransmitted at growing intervals and never ' +
    "acknowledged, until the client's timeout. On this kernel nothing else recovers the flow: without " +
    'mtu probing the sender keeps its MSS forever.',
  variants: [ipv4Download, ipv6Upload],
};
