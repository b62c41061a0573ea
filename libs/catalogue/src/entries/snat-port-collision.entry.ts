import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'snat-port-collision',
  title: 'SNAT source-port collision on conntrack insert',
  summary:
    'Two connections translated at the same time pick the same SNAT source port; the second conntrack insert fails (insert_failed grows), its packet is dropped, and the client waits for a retransmission (the classic 5 s DNS delay).',
  symptoms: [
    "DNS lookups from pods sometimes take exactly 5 s (or a multiple) and then succeed; curl's time_namelookup shows 5.0x s",
    'New outbound TCP connections through node SNAT (MASQUERADE) sometimes take 1 s or 3 s: one or two SYN retries',
    'Gets worse with concurrency (many pods behind one node address, bursts of outbound connections); p99 latency spikes while the error rate stays tiny',
    'conntrack -S insert_failed is non-zero and rising although the table is far from full',
  ],
  mechanism: [
    "A new flow's NAT mapping is chosen when its first packet traverses the nat table, but the entry only becomes visible to other packets when it is confirmed at the end of the netfilter path (after POSTROUTING or INPUT).",
    'Between those two points another CPU can build an entry with the same tuple: (a) two connections SNATed to the same destination get the same source port, because MASQUERADE without random port selection starts its search from the same place, or because the SNAT port range is too small to hold every flow to that destination (--to-source with a narrow range, many clients behind one address); (b) one UDP socket sends two packets at once (glibc sends the A and AAAA queries in parallel from one port), each creating its own unconfirmed entry, possibly DNATed to different DNS pods.',
    'The second confirmation finds the tuple already taken. Unless the kernel can resolve the clash (see affected versions) the insert fails: insert_failed rises and the packet is dropped.',
    'The sender gets no answer for that packet: the glibc resolver waits its timeout (5 s by default) before asking again; TCP retransmits the SYN after 1 s.',
  ],
  signatures: [
    {
      kind: 'conntrack-stats',
      what: 'insert_failed rising (drop often rising with it) while nf_conntrack_count is far below nf_conntrack_max. Newer conntrack tools also print clash_resolve: clashes the kernel merged harmlessly, not failures.',
      example:
        'cpu=1 found=0 invalid=3 insert=0 insert_failed=412 drop=412 early_drop=0 error=0 search_restart=7',
    },
    {
      kind: 'pcap',
      what: 'UDP/53: two queries (A and AAAA) from the same source port within microseconds, only one answered, the other sent again about 5 s later. TCP: a SYN with no SYN-ACK and the same SYN 1 s later, answered at once.',
    },
    {
      kind: 'iptables-save',
      what: 'POSTROUTING MASQUERADE or SNAT rules without --random-fully, and DNS Services DNATed to two or more pods (a kube-dns KUBE-SVC chain with several KUBE-SEP jumps).',
      example:
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE',
    },
    {
      kind: 'conntrack-events',
      what: 'Only one [NEW] for two simultaneous packets from the same socket; the losing packet never gets an entry.',
    },
    {
      kind: 'app-log',
      what: 'Resolver timeouts ("i/o timeout", "Temporary failure in name resolution") or requests that spend 5 s in name resolution.',
    },
    {
      kind: 'uname',
      what: 'Kernels before 4.19 have no UDP clash resolution at all; before 5.6 only clashes with identical NAT results are resolved.',
    },
  ],
  affected: {
    kernel:
      'All kernels can clash on TCP SNAT ports without random-fully. For the parallel UDP race: 4.19 (ed07d9a021df, "resolve clash for matching conntracks") lets the losing packet reuse the winner\'s entry when both got the same NAT result; 5.6 (6a757c07e51f, "allow insertion of clashing entries") also accepts clashing UDP entries with different NAT results. Clashes the kernel cannot resolve still count as insert_failed.',
    other: [
      'glibc sends A and AAAA queries in parallel from one socket unless resolv.conf has single-request or single-request-reopen; musl (Alpine) always queries in parallel and ignores those options.',
    ],
  },
  sysctls: [],
  remediation: [
    {
      id: 'masquerade-random-fully',
      title: 'Pick SNAT ports at random (--random-fully)',
      steps: [
        {
          label: 'Replace the node MASQUERADE rule (example pod CIDR)',
          language: 'shell',
          code: 'iptables -t nat -A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE --random-fully',
        },
      ],
      tradeoffs: [
        'Shrinks the chance of TCP/UDP port clashes between sockets; does not help the A/AAAA race on one socket, whose packets share a source port by design.',
        'Needs iptables 1.6.2 or later; many CNIs and kube-proxy add it on their own when supported, so check iptables-save before writing rules by hand.',
      ],
    },
    {
      id: 'widen-snat-range',
      title: 'Give SNAT enough addresses and ports for the flows to one destination',
      steps: [
        {
          label: 'A full port range, or several egress addresses',
          language: 'shell',
          code: 'iptables -t nat -A POSTROUTING -s 10.244.0.0/16 -o eth0 -j SNAT --to-source 203.0.113.10-203.0.113.13:1024-65535 --random-fully',
        },
      ],
      tradeoffs: [
        'More egress addresses must be allowed by every firewall and allow-list downstream.',
      ],
    },
    {
      id: 'resolver-single-request-reopen',
      title: 'Stop glibc from sending A and AAAA in parallel on one socket',
      steps: [
        {
          language: 'yaml',
          code: 'spec:\n  dnsConfig:\n    options:\n      - name: single-request-reopen',
        },
      ],
      tradeoffs: [
        'glibc only; musl-based images (Alpine) ignore it.',
        'Lookups run one after the other on fresh sockets: one extra round trip per lookup.',
      ],
    },
    {
      id: 'node-local-dns-cache',
      title: 'Run NodeLocal DNSCache',
      steps: [
        {
          language: 'text',
          code: 'Deploy NodeLocal DNSCache: pods query a link-local address on their own node, which is exempted from conntrack (NOTRACK), and the cache talks to the cluster DNS over TCP.',
        },
      ],
      tradeoffs: ['One more DaemonSet to operate, and a per-node failure domain for DNS.'],
    },
    {
      id: 'newer-kernel',
      title: 'Run a kernel that resolves UDP clashes (5.6 or later)',
      steps: [
        {
          language: 'text',
          code: 'Upgrade nodes to a kernel with 6a757c07e51f ("netfilter: conntrack: allow insertion of clashing entries"), i.e. 5.6 or later or a distribution backport.',
        },
      ],
      tradeoffs: ['Fixes the DNS race; TCP SNAT port clashes still need --random-fully.'],
    },
  ],
  verification: [
    'conntrack -S insert_failed stops rising under the same load.',
    'The DNS latency histogram loses its 5 s mode; captures show every query answered within milliseconds.',
    'New outbound connections no longer show a 1 s SYN retry without packet loss.',
  ],
  references: [
    {
      title:
        'Linux commit ed07d9a021df: netfilter: nf_conntrack: resolve clash for matching conntracks',
      url: 'https://github.com/torvalds/linux/commit/ed07d9a021df',
    },
    {
      title: 'Linux commit 6a757c07e51f: netfilter: conntrack: allow insertion of clashing entries',
      url: 'https://github.com/torvalds/linux/commit/6a757c07e51f',
    },
    { title: 'Martynas Pumputis: Racy conntrack and DNS lookup timeouts (Weaveworks blog, 2018)' },
    {
      title: 'XING engineering: A reason for unexplained connection timeouts on Kubernetes/Docker',
    },
    {
      title: 'kubernetes/kubernetes#56903: DNS intermittent delays of 5 s',
      url: 'https://github.com/kubernetes/kubernetes/issues/56903',
    },
    {
      title: 'Kubernetes documentation: Using NodeLocal DNSCache in Kubernetes Clusters',
      url: 'https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/',
    },
    {
      title: 'resolv.conf(5): single-request, single-request-reopen',
      url: 'https://man7.org/linux/man-pages/man5/resolv.conf.5.html',
    },
  ],
  lab: {
    description:
      'A gateway SNATs many clients into a tiny source-port range (--to-source IP:PORT-PORT). When two flows to the same destination need the same translated tuple at once, the later entry clashes at insertion: conntrack -S counts insert_failed and the packet is dropped. TCP clients see SYN retransmissions and connect timeouts; DNS-like UDP clients see unanswered queries and a resolver retry.',
    variants: [
      'tcp-two-port-range-inside-capture: TCP, SNAT to a two-port range, three simultaneous clients with the same source port; inside capture (snaplen 256), conntrack -L/-S, rules, sysctl, three client logs',
      'udp-dns-single-port-events: DNS-like A/AAAA pairs from two pods, SNAT to one port, UDP timeout 2 s; conntrack -E -o timestamp, -S, rules, sysctl, DNS-only capture on the node, resolver logs',
    ],
    kernelNotes: [
      'On this kernel (6.18) two queries from the same socket (the classic A/AAAA race) do not collide with each other: clash resolution merges them and conntrack -S counts clash_resolve. Only flows whose translation lands on a tuple already used by another flow are dropped, which is what the lab forces with a tiny SNAT port range.',
    ],
  },
  seeds: [],
};
