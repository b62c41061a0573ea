// Regenerates the capture fixtures of libs/evidence/src/{flows,capture}/__fixtures__ from
// real traffic between network namespaces. Run as root from the repository root:
//   node libs/evidence/src/flows/__fixtures__/lab/generate-fixtures.mjs [fixture-name...]
//
// Topology (all private addresses):
//   nmcap-cli 10.70.1.2 fd70:1::2  --nmc-c | nmc-rc--  nmcap-rtr  --nmc-rs | nmc-s--  nmcap-srv 10.70.2.2 fd70:2::2
// The router forwards, and for the NAT lab DNATs the "service" 10.70.9.9:80 to
// 10.70.2.2:8080 and masquerades toward the server. Loss is made with nftables drops
// (this kernel has no netem): before the server's capture point they show as "previous
// segment not captured", after it as retransmissions; an htb class that a few packets are
// steered into delays them past their successors (reordering).
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  addNamespace,
  capture,
  cleanup,
  inNs,
  link,
  runIn,
  sh,
  sleep,
  startIn,
} from '../../../../../../scripts/lab/netns-lab.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const flowsOut = fileURLToPath(new URL('../', import.meta.url));
const captureOut = fileURLToPath(new URL('../../../capture/__fixtures__/', import.meta.url));
const traffic = `${here}lab-traffic.mjs`;
const work = `${tmpdir()}/nmcap-lab`;
mkdirSync(work, { recursive: true });

const CLI = 'nmcap-cli';
const RTR = 'nmcap-rtr';
const SRV = 'nmcap-srv';
const SERVER4 = '10.70.2.2';
const SERVER6 = 'fd70:2::2';

const client = (scenario, host, ...args) =>
  runIn(CLI, ['node', traffic, 'client', scenario, host, ...args.map(String)]);

function topology() {
  for (const ns of [CLI, RTR, SRV]) addNamespace(ns);
  link(CLI, 'nmc-c', ['10.70.1.2/24', 'fd70:1::2/64'], RTR, 'nmc-rc', [
    '10.70.1.1/24',
    'fd70:1::1/64',
  ]);
  link(RTR, 'nmc-rs', ['10.70.2.1/24', 'fd70:2::1/64'], SRV, 'nmc-s', [
    '10.70.2.2/24',
    'fd70:2::2/64',
  ]);
  inNs(CLI, 'ip route add default via 10.70.1.1');
  inNs(CLI, 'ip -6 route add default via fd70:1::1');
  inNs(SRV, 'ip route add default via 10.70.2.1');
  inNs(SRV, 'ip -6 route add default via fd70:2::1');
  inNs(RTR, 'sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1');
  // Short timers so keep-alive and SYN retries fit in a few seconds of capture.
  inNs(CLI, 'sysctl -qw net.ipv4.tcp_keepalive_intvl=1 net.ipv4.tcp_syn_retries=2');
  // The NAT lab's service address also lives on the server, so a packet that skips DNAT
  // still reaches it (at the untranslated port).
  inNs(SRV, 'ip addr add 10.70.9.9/32 dev lo');
  inNs(RTR, 'ip route add 10.70.9.9/32 via 10.70.2.2');
}

const fixtures = {
  async 'normal-close.pcap'(file) {
    await capture(SRV, 'nmc-s', file, async () => {
      await client('normal-close', SERVER4);
      await client('normal-close', SERVER6);
    });
  },
  async 'half-close.pcap'(file) {
    await capture(SRV, 'nmc-s', file, () => client('half-close', SERVER4), { snaplen: 96 });
  },
  async 'rst-abort.pcap'(file) {
    await capture(
      SRV,
      'nmc-s',
      file,
      async () => {
        await client('server-abort', SERVER4);
        await client('client-abort', SERVER4);
      },
      { snaplen: 96 },
    );
  },
  async 'unread-close-rst.pcap'(file) {
    await capture(SRV, 'nmc-s', file, () => client('unread-close', SERVER4), { snaplen: 128 });
  },
  async 'refused.pcap'(file) {
    await capture(SRV, 'nmc-s', file, async () => {
      await client('refused', SERVER4, 7);
      await client('refused', SERVER6, 7);
    });
  },
  async 'zero-window.pcap'(file) {
    const saved = inNs(SRV, 'sysctl -n net.ipv4.tcp_rmem').trim();
    inNs(SRV, `sysctl -qw net.ipv4.tcp_rmem="4096 8192 16384"`);
    try {
      await capture(SRV, 'nmc-s', file, () => client('zero-window', SERVER4), { snaplen: 96 });
    } finally {
      inNs(SRV, `sysctl -qw net.ipv4.tcp_rmem="${saved}"`);
    }
  },
  async 'loss-reorder.pcap'(file) {
    const drop = (ns, hook, match) =>
      inNs(ns, `nft add rule inet nmcap ${hook} '${match} numgen random mod 1000 < 15 drop'`);
    for (const ns of [RTR, SRV]) {
      inNs(ns, 'nft add table inet nmcap');
      for (const hook of ['input', 'forward', 'output'])
        inNs(ns, `nft add chain inet nmcap ${hook} '{ type filter hook ${hook} priority 0; }'`);
    }
    // Upload (client -> server): dropped at the router = before the capture point,
    // dropped in the server's input = after it. Download: the reverse.
    drop(RTR, 'forward', 'tcp dport 8086');
    drop(SRV, 'input', 'tcp dport 8086');
    drop(SRV, 'output', 'tcp sport 8086');
    drop(RTR, 'forward', 'tcp sport 8086');
    // Reordering: 1% of the packets wait in a slow htb class.
    for (const [ns, dev] of [
      [RTR, 'nmc-rs'],
      [SRV, 'nmc-s'],
    ]) {
      inNs(ns, `tc qdisc add dev ${dev} root handle 1: htb default 10`);
      inNs(ns, `tc class add dev ${dev} parent 1: classid 1:10 htb rate 10gbit`);
      inNs(ns, `tc class add dev ${dev} parent 1: classid 1:20 htb rate 8mbit ceil 8mbit`);
    }
    inNs(
      RTR,
      `nft add rule inet nmcap forward 'tcp dport 8086 numgen random mod 100 < 1 meta priority set 1:20'`,
    );
    inNs(
      SRV,
      `nft add rule inet nmcap output 'tcp sport 8086 numgen random mod 100 < 1 meta priority set 1:20'`,
    );
    try {
      await capture(SRV, 'nmc-s', file, () => client('bulk', SERVER4, 600000, 300000), {
        snaplen: 80,
      });
    } finally {
      for (const ns of [RTR, SRV]) inNs(ns, 'nft delete table inet nmcap');
      inNs(RTR, 'tc qdisc del dev nmc-rs root');
      inNs(SRV, 'tc qdisc del dev nmc-s root');
    }
  },
  async 'keepalive-idle.pcap'(file) {
    await capture(SRV, 'nmc-s', file, () => client('keepalive', SERVER4, 3500));
  },
  async 'syn-unanswered.pcap'(file) {
    inNs(SRV, 'iptables -A INPUT -p tcp --dport 8090 -j DROP');
    try {
      await capture(SRV, 'nmc-s', file, () => client('syn-unanswered', SERVER4, 8090));
    } finally {
      inNs(SRV, 'iptables -D INPUT -p tcp --dport 8090 -j DROP');
    }
  },
  async 'icmp-reject.pcap'(file) {
    for (const tool of ['iptables', 'ip6tables']) {
      inNs(SRV, `${tool} -A INPUT -p tcp --dport 9999 -j REJECT`);
      inNs(SRV, `${tool} -A INPUT -p udp --dport 9999 -j REJECT`);
    }
    try {
      await capture(SRV, 'nmc-s', file, async () => {
        await client('refused', SERVER4, 9999);
        await client('udp-to-closed', SERVER4, 9999);
        await client('udp-to-closed', SERVER6, 9999);
        // No rule on 9998: the kernel's own port unreachable.
        await client('udp-to-closed', SERVER6, 9998);
        // A connection that works, then a stateless REJECT rule cuts it mid-stream.
        const run = client('echo-then-rejected', SERVER4, 800);
        await sleep(500);
        inNs(SRV, 'iptables -I INPUT -p tcp --dport 8085 -j REJECT');
        await run;
      });
    } finally {
      for (const tool of ['iptables', 'ip6tables']) inNs(SRV, `${tool} -F INPUT`);
    }
  },
  async 'port-reuse-challenge-ack.pcap'(file) {
    // The client's RST is dropped on its way out, so the server keeps the connection while
    // the client reuses the source port: the new SYN meets the old connection.
    inNs(CLI, 'nft add table inet nmcap');
    inNs(CLI, `nft add chain inet nmcap output '{ type filter hook output priority 0; }'`);
    inNs(CLI, `nft add rule inet nmcap output tcp dport 8080 tcp flags rst drop`);
    try {
      await capture(SRV, 'nmc-s', file, async () => {
        await client('fixed-port-abort', SERVER4, 41234);
        const again = client('fixed-port-again', SERVER4, 41234);
        // The first answer is a challenge ACK whose RST reply is dropped; let the next one through.
        await sleep(1500);
        inNs(CLI, 'nft delete table inet nmcap');
        process.stdout.write(`  ${(await again).trim()}\n`);
      });
    } finally {
      try {
        inNs(CLI, 'nft delete table inet nmcap');
      } catch {
        // already removed
      }
    }
  },
  async 'nat-client-side.pcap'(file) {
    // Captured together with nat-server-side.pcap.
    inNs(
      RTR,
      'iptables -t nat -A PREROUTING -d 10.70.9.9 -p tcp --dport 80 -j DNAT --to-destination 10.70.2.2:8080',
    );
    inNs(RTR, 'iptables -t nat -A POSTROUTING -o nmc-rs -p tcp -j MASQUERADE');
    // Mid-stream packets without a conntrack entry are INVALID instead of picked up anew.
    inNs(RTR, 'sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0');
    const serverSide = `${work}/nat-server-side.pcap`;
    try {
      await capture(CLI, 'nmc-c', file, () =>
        capture(SRV, 'nmc-s', serverSide, async () => {
          await client('normal-close', '10.70.9.9', 80);
          await runIn(CLI, ['node', traffic, 'client', 'two-requests', '10.70.9.9', '80'], {
            stdin: (child) => {
              child.stdout.on('data', (data) => {
                if (!data.toString().includes('first done')) return;
                // The entry vanishes (expiry, flush): the next request is INVALID and
                // leaves the router untranslated.
                inNs(RTR, 'conntrack -D -p tcp --orig-dst 10.70.9.9 2>/dev/null || true');
                child.stdin.write('go\n');
              });
            },
          });
        }),
      );
      copyFileSync(serverSide, `${flowsOut}nat-server-side.pcap`);
    } finally {
      inNs(RTR, 'iptables -t nat -F');
      inNs(RTR, 'sysctl -qw net.netfilter.nf_conntrack_tcp_loose=1');
    }
  },
};

/** Link types and layers the flow lab does not exercise, captured for the reader's tests. */
const captureFixtures = {
  async 'vlan-qinq.pcap'(file) {
    // No 802.1Q module in this kernel: the tagged frames are injected with AF_PACKET and
    // captured on the far end of the veth as they arrive.
    addNamespace('nmcap-v1');
    addNamespace('nmcap-v2');
    link('nmcap-v1', 'nmv-1', [], 'nmcap-v2', 'nmv-2', []);
    await capture('nmcap-v2', 'nmv-2', file, () =>
      runIn('nmcap-v1', ['python3', `${here}inject-vlan.py`, 'nmv-1']),
    );
  },
  async 'ipv6-fragments-icmp.pcap'(file) {
    await capture(SRV, 'nmc-s', file, async () => {
      // Datagrams above the MTU: IPv4 fragments, and IPv6 fragment extension headers.
      await client('udp-echo', SERVER4, 3000);
      await client('udp-echo', SERVER6, 3000);
      await client('udp-to-closed', SERVER6, 9998);
      await client('udp-to-closed', SERVER4, 9998);
      await runIn(CLI, ['python3', `${here}lab-ping.py`, SERVER6]);
      // Joining a multicast group sends an MLD report behind a hop-by-hop header.
      await runIn(SRV, [
        'node',
        '-e',
        "const s=require('dgram').createSocket('udp6');s.bind(0,()=>{s.addMembership('ff05::4242','::%nmc-s');setTimeout(()=>s.close(),300)})",
      ]);
    });
  },
  async 'raw-tun.pcap'(file) {
    // A TUN device (LINKTYPE_RAW) on each side, joined by socat over UDP.
    await startIn(CLI, [
      'socat',
      'UDP-LISTEN:7000',
      'TUN:192.168.77.1/24,tun-name=nmc-tun,iff-no-pi,tun-type=tun,up',
    ]);
    await sleep(300);
    await startIn(SRV, [
      'socat',
      'UDP:10.70.1.2:7000',
      'TUN:192.168.77.2/24,tun-name=nmc-tun,iff-no-pi,tun-type=tun,up',
    ]);
    await sleep(500);
    for (const ns of [CLI, SRV]) inNs(ns, 'ip link set nmc-tun gso_max_size 1400 gso_max_segs 1');
    await capture(SRV, 'nmc-tun', file, async () => {
      await runIn(CLI, ['python3', `${here}lab-ping.py`, '192.168.77.2', '2']);
      await client('normal-close', '192.168.77.2');
    });
  },
  async 'nflog.pcap'(file) {
    inNs(SRV, 'iptables -A INPUT -p tcp --dport 8080 -j NFLOG --nflog-group 5');
    inNs(SRV, 'ip6tables -A INPUT -p tcp --dport 8080 -j NFLOG --nflog-group 5');
    try {
      await capture(
        SRV,
        'nflog:5',
        file,
        async () => {
          await client('normal-close', SERVER4);
          await client('refused', SERVER6, 8080);
        },
        { immediate: false },
      );
    } finally {
      inNs(SRV, 'iptables -F INPUT');
      inNs(SRV, 'ip6tables -F INPUT');
    }
  },
  async 'any-sll-dumpcap.pcapng'(file) {
    const dumpcap = await startIn(SRV, ['dumpcap', '-i', 'any', '-w', file], 'File:');
    await sleep(300);
    await client('normal-close', SERVER6);
    await client('udp-echo', SERVER4, 200);
    await sleep(400);
    dumpcap.kill('SIGINT');
    await new Promise((resolve) => dumpcap.on('exit', resolve));
  },
  async 'nsec.pcapng'(file) {
    const raw = `${work}/nsec-raw.pcap`;
    await capture(SRV, 'nmc-s', raw, () => client('half-close', SERVER6), {
      nano: true,
      snaplen: 100,
    });
    sh(`editcap -F pcapng ${raw} ${file}`);
  },
};

const wanted = new Set(process.argv.slice(2));
const pick = (table) =>
  Object.entries(table).filter(([name]) => wanted.size === 0 || wanted.has(name));

try {
  topology();
  await startIn(SRV, ['node', traffic, 'server'], 'ready');
  for (const [table, out] of [
    [fixtures, flowsOut],
    [captureFixtures, captureOut],
  ]) {
    for (const [name, make] of pick(table)) {
      const tmp = `${work}/${name}`;
      process.stdout.write(`${name}\n`);
      await make(tmp);
      copyFileSync(tmp, `${out}${name}`);
      process.stdout.write(`  ${statSync(tmp).size} bytes\n`);
    }
  }
} finally {
  cleanup();
}
