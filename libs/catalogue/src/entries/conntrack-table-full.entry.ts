import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'conntrack-table-full',
  title: 'Conntrack table full',
  summary:
    'The number of tracked connections reaches nf_conntrack_max; the kernel logs "nf_conntrack: table full, dropping packet" and drops new flows, which clients see as SYN retransmissions and connect timeouts.',
  symptoms: [
    'New connections through one node time out or take 1 s, 3 s, 7 s (SYN retries) while established connections keep working',
    'DNS lookups from pods on that node time out',
    'dmesg floods with "nf_conntrack: table full, dropping packet", interleaved with "net_ratelimit: N callbacks suppressed"',
    'Starts after a traffic spike, a new population of clients (many distinct sources), a scan, or a slow leak of flows that never close',
  ],
  mechanism: [
    'Every flow crossing a host where conntrack is active (NAT, stateful rules, or just the module in use) needs an entry; entries live until their state timeout (5 days for an idle ESTABLISHED flow by default, 120 s in TIME_WAIT, 30 s for unreplied UDP).',
    'Entries are created faster than they expire (high connection rate, long established timeout, flows that vanish without FIN or RST) until nf_conntrack_count reaches nf_conntrack_max.',
    'For the next new flow the kernel tries an early drop: it evicts, from a few nearby hash buckets, an entry that is not ASSURED (a TCP handshake that never completed, a UDP flow without replies) or a TCP entry in a closing state such as TIME_WAIT. If it finds one, the new flow proceeds and early_drop rises.',
    'If every candidate is an assured live flow (a table full of established connections), the first packet of the new flow is dropped, the drop counter rises and "table full, dropping packet" is logged, rate-limited.',
    'The client retransmits its SYN after 1 s, 2 s, 4 s ...; each retry competes again, so connect() succeeds late or times out. Established flows are not affected: their entries already exist.',
  ],
  signatures: [
    {
      kind: 'dmesg',
      what: '"nf_conntrack: table full, dropping packet" (newer kernels print the prefix twice), usually with "net_ratelimit: N callbacks suppressed" lines between them.',
      example: '[104235.156774] nf_conntrack: nf_conntrack: table full, dropping packet',
    },
    {
      kind: 'conntrack-stats',
      what: 'drop and early_drop non-zero and rising on the per-CPU lines of conntrack -S; insert_failed unchanged (that would be snat-port-collision).',
      example:
        'cpu=0 found=0 invalid=12 insert=0 insert_failed=0 drop=5123 early_drop=877 error=0 search_restart=0',
    },
    {
      kind: 'sysctl',
      what: 'net.netfilter.nf_conntrack_count equal to, or within a few percent of, net.netfilter.nf_conntrack_max in a sysctl dump taken during the incident.',
    },
    {
      kind: 'conntrack-table',
      what: 'conntrack -L holds about nf_conntrack_max lines; the state histogram shows what fills it (ESTABLISHED from leaked idle flows, TIME_WAIT from connection churn, [UNREPLIED] UDP from DNS or scans).',
    },
    {
      kind: 'pcap',
      what: 'SYNs of new flows retransmitted with no SYN-ACK, and absent from a capture taken beyond the node; packets of established flows pass normally at the same time.',
    },
    {
      kind: 'ss',
      what: 'Clients in SYN-SENT with retransmit timers; no trace of those attempts on the servers.',
    },
    {
      kind: 'net-counters',
      what: 'TcpExtTCPSynRetrans rising on clients behind the node.',
    },
    {
      kind: 'app-log',
      what: '"connect: connection timed out", "i/o timeout", resolver errors such as "no servers could be reached".',
    },
  ],
  affected: {
    kernel:
      'All kernels with nf_conntrack. The default nf_conntrack_max is derived from RAM at boot (on this 6.18 machine it equals nf_conntrack_buckets, 262144). kube-proxy sets it to max(--conntrack-min, --conntrack-max-per-core x CPUs), by default max(131072, 32768 x CPUs).',
    other: [
      'eBPF datapaths (e.g. Cilium) keep their own connection-tracking and NAT maps with their own size limits and drop reasons; nf_conntrack counters stay quiet there (cilium/cilium#24177).',
    ],
  },
  sysctls: [
    {
      key: 'net.netfilter.nf_conntrack_max',
      role: 'Maximum number of entries; the default depends on RAM. Writable only from the initial network namespace on current kernels.',
    },
    {
      key: 'net.netfilter.nf_conntrack_count',
      role: 'Current number of entries (read-only); compare with nf_conntrack_max.',
    },
    {
      key: 'net.netfilter.nf_conntrack_buckets',
      role: 'Hash table size; a table much larger than its bucket count makes lookups walk long chains. Default depends on RAM.',
    },
    {
      key: 'net.netfilter.nf_conntrack_tcp_timeout_established',
      default: '432000',
      role: 'Flows that vanish without FIN or RST keep their entry this long; kube-proxy sets 86400.',
    },
    {
      key: 'net.netfilter.nf_conntrack_tcp_timeout_time_wait',
      default: '120',
      role: 'Every closed TCP flow keeps its entry this long; dominates under heavy connection churn.',
    },
    {
      key: 'net.netfilter.nf_conntrack_udp_timeout',
      default: '30',
      role: 'Lifetime of one-way UDP entries (DNS queries, scans).',
    },
  ],
  remediation: [
    {
      id: 'raise-max',
      title: 'Raise the limit, with the hash size',
      steps: [
        {
          label: 'On the node (initial network namespace)',
          language: 'shell',
          code: "sysctl -w net.netfilter.nf_conntrack_max=1048576\nsysctl -w net.netfilter.nf_conntrack_buckets=262144\necho 'net.netfilter.nf_conntrack_max = 1048576' > /etc/sysctl.d/90-conntrack-max.conf",
        },
        {
          label: 'kube-proxy rewrites nf_conntrack_max at start: change its flags as well',
          language: 'text',
          code: '--conntrack-max-per-core=131072   (or conntrack.maxPerCore in KubeProxyConfiguration)',
        },
      ],
      tradeoffs: [
        'Each entry costs roughly 300-400 bytes of unswappable kernel memory: 1,048,576 entries are about 350-400 MiB when the table is full.',
        'A bigger table hides a leak instead of fixing it; find out what fills the table first.',
      ],
      whatIf: { settings: { 'net.netfilter.nf_conntrack_max': '1048576' } },
    },
    {
      id: 'find-what-fills-it',
      title: 'Find and stop what fills the table',
      steps: [
        {
          label: 'State histogram and top source addresses',
          language: 'shell',
          code: "conntrack -L -p tcp 2>/dev/null | awk '{print $4}' | sort | uniq -c | sort -rn\nconntrack -L 2>/dev/null | grep -o 'src=[^ ]*' | sort | uniq -c | sort -rn | head -20",
        },
      ],
      tradeoffs: ['Takes time; raising the limit buys it.'],
    },
    {
      id: 'shorter-timeouts',
      title: 'Shorten the timeouts that keep dead flows around',
      steps: [
        {
          language: 'shell',
          code: 'sysctl -w net.netfilter.nf_conntrack_tcp_timeout_established=86400\nsysctl -w net.netfilter.nf_conntrack_tcp_timeout_time_wait=60',
        },
      ],
      tradeoffs: [
        'An established timeout shorter than the longest idle period of real connections causes conntrack-expiry-rebalance: keep it above every application keepalive interval.',
      ],
    },
    {
      id: 'notrack-bulk-traffic',
      title: 'Exempt high-volume traffic that needs neither NAT nor state',
      steps: [
        {
          label: 'Example: a DNS server on the node itself',
          language: 'shell',
          code: 'iptables -t raw -I PREROUTING -p udp --dport 53 -j CT --notrack\niptables -t raw -I OUTPUT -p udp --sport 53 -j CT --notrack',
        },
      ],
      tradeoffs: [
        'Untracked packets skip NAT and ctstate matches entirely: stateful filters must accept them explicitly (--ctstate UNTRACKED), and it must never cover traffic that is DNATed, such as Service IPs.',
      ],
    },
  ],
  verification: [
    'dmesg: no new "table full" lines; conntrack -S drop and early_drop stay flat.',
    'nf_conntrack_count stays well below nf_conntrack_max at peak (alert at 80 %).',
    'New connections complete without SYN retransmissions (TcpExtTCPSynRetrans flat on clients).',
  ],
  references: [
    {
      title: 'Linux kernel documentation: netfilter conntrack sysctls',
      url: 'https://docs.kernel.org/networking/nf_conntrack-sysctl.html',
    },
    {
      title: 'kube-proxy command-line reference (--conntrack-max-per-core, --conntrack-min)',
      url: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/',
    },
    { title: 'conntrack(8)', url: 'https://man7.org/linux/man-pages/man8/conntrack.8.html' },
    {
      title: 'cilium/cilium#24177 (alerts for full Cilium conntrack and NAT maps)',
      url: 'https://github.com/cilium/cilium/issues/24177',
    },
  ],
  lab: {
    description:
      'Hundreds of real, ASSURED connections fill the conntrack table of a namespace on the path (a DNAT node, or a host with a stateful INPUT firewall), then the limit is set to exactly that count. Every new SYN is dropped with "nf_conntrack: table full, dropping packet" in the kernel log and conntrack -S drop counting; the client retransmits its SYN and its connect times out.',
    variants: [
      'node-dnat-client-capture: DNAT node with 400 held connections and the table capped at their count; victim-side capture with SYN retransmissions, dmesg, conntrack -S, count and max, sysctl, client log',
      'server-firewall-no-capture: stateful INPUT firewall on the server host, 300 pooled connections, application connect timeout 2.5 s; conntrack -S, count and max, ss, iptables-save, dmesg -T, application logs; no capture, no events',
    ],
    kernelNotes: [
      "On this kernel (6.18) net.netfilter.nf_conntrack_max is read-only inside a network namespace: the limit is the initial namespace value, compared with each namespace's own count. The lab therefore lowers the host value for about 3 s and restores it at once (also on failure and exit).",
      'Unanswered SYNs are retransmitted 1, 2, 3, 4 and 5 s after the first and then at 7, 11 and 19 s (net.ipv4.tcp_syn_linear_timeouts=4, measured here), not at the classic 1, 3, 7, 15 s.',
    ],
  },
  seeds: [],
};
