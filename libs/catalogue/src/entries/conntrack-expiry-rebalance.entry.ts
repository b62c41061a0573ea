import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'conntrack-expiry-rebalance',
  title: 'Idle connection re-balanced to another backend after its conntrack entry expired',
  summary:
    'A long-lived flow stays idle longer than nf_conntrack_tcp_timeout_established (or its entry is flushed); the next segment finds no entry, is DNATed afresh to a different backend, and that backend, which never saw the connection, answers with a RST.',
  symptoms: [
    'Long-lived, mostly idle connections (database pools, message-broker consumers, gRPC streams, SSH sessions) die with "connection reset by peer" on the first write after a quiet period',
    'The first request after the pause fails; a retry on a fresh connection succeeds at once',
    'Only Services with two or more backends are affected; with one backend the same connection quietly survives',
    'Failures follow idle time (about a day with kube-proxy settings, five days with kernel defaults) or a conntrack flush: kube-proxy or CNI agent restart, `conntrack -F`, node maintenance scripts',
  ],
  mechanism: [
    "The client connects to a Service IP; kube-proxy's nat rules pick a backend at random (-m statistic --mode random) and conntrack stores that DNAT in the flow's entry.",
    'Every later segment is translated from the entry alone; the nat rules are not consulted again while it exists.',
    'The connection goes idle. An idle ESTABLISHED entry lives nf_conntrack_tcp_timeout_established seconds (kernel default 432000 = 5 days, kube-proxy sets 86400 = 24 h). When it runs out, or someone flushes the table, the entry is deleted and neither endpoint is told.',
    'The client writes again. Its segment is an ACK with data, not a SYN, and finds no entry; with nf_conntrack_tcp_loose=1 conntrack adopts it as a picked-up connection and runs the nat rules as for a new flow.',
    'The random choice lands on another backend with probability (n-1)/n for n backends. The segment reaches a host that has no such connection.',
    "That backend's listener answers the non-SYN segment with a RST; conntrack destroys the new entry on the RST; the client's socket reports ECONNRESET on its next read or write.",
  ],
  signatures: [
    {
      kind: 'conntrack-events',
      what: '[DESTROY] of the ASSURED ESTABLISHED entry (expiry or flush), later [NEW] for the same original tuple (same client ip:port, same Service ip:port) directly in ESTABLISHED with [UNREPLIED] and a different reply source (another backend), then [DESTROY] of that entry a moment later after the RST. The gap between the last traffic and the first DESTROY equals nf_conntrack_tcp_timeout_established when it is a timeout.',
      example:
        '[NEW] tcp 6 300 ESTABLISHED src=10.0.1.5 dst=10.96.0.20 sport=41234 dport=5432 [UNREPLIED] src=10.0.2.8 dst=10.0.1.5 sport=5432 dport=41234',
    },
    {
      kind: 'pcap',
      what: "Client side: after an idle gap at least as long as the bundle's established timeout (or spanning a flush), a data segment answered by a RST that appears to come from the Service IP; no FIN before it. Backend side: a segment for a connection that backend never accepted, and its bare RST.",
    },
    {
      kind: 'conntrack-table',
      what: 'A conntrack -L taken before shows the flow translated to backend A; one taken after shows no entry, or a short-lived [UNREPLIED] entry to backend B.',
    },
    {
      kind: 'iptables-save',
      what: 'A KUBE-SVC-* chain with two or more KUBE-SEP-* jumps using -m statistic --mode random --probability: the Service has several endpoints.',
    },
    {
      kind: 'sysctl',
      what: 'nf_conntrack_tcp_timeout_established shorter than the longest idle period of the application, and nf_conntrack_tcp_loose = 1 (default).',
    },
    {
      kind: 'ss',
      what: 'The client socket is ESTABLISHED with no keepalive timer (no "timer:(keepalive,...)" in ss -o), or with a keepalive time longer than the conntrack timeout.',
    },
    {
      kind: 'app-log',
      what: 'read/write: connection reset by peer (ECONNRESET) on a connection that had been idle; connection pools log a broken connection on checkout.',
    },
  ],
  affected: {
    kernel:
      'All kernels with conntrack-based NAT; kube-proxy iptables and IPVS modes both depend on conntrack entries. Nothing in the kernel prevents it; the timeout sysctls only move it in time.',
    other: [
      'kube-proxy sets nf_conntrack_tcp_timeout_established on the node from --conntrack-tcp-timeout-established (default 24h).',
      'eBPF service implementations keep their own translation maps with their own timeouts; socket-level load balancing (translation at connect()) does not re-balance an existing connection.',
    ],
  },
  sysctls: [
    {
      key: 'net.netfilter.nf_conntrack_tcp_timeout_established',
      default: '432000',
      role: 'Idle lifetime of an ESTABLISHED entry; the failure needs an idle period longer than this. kube-proxy overrides it to 86400.',
    },
    {
      key: 'net.netfilter.nf_conntrack_tcp_loose',
      default: '1',
      role: 'Lets conntrack adopt the post-expiry segment as a new flow and NAT it afresh to a random backend. At 0 the segment is INVALID and leaves untranslated: still a failure, of another shape.',
    },
    {
      key: 'net.ipv4.tcp_keepalive_time',
      default: '7200',
      role: 'Idle seconds before the first keepalive probe on sockets with SO_KEEPALIVE. Probes refresh the conntrack entry, so this must be below the established timeout. Per network namespace.',
    },
    {
      key: 'net.ipv4.tcp_keepalive_intvl',
      default: '75',
      role: 'Seconds between unanswered probes.',
    },
    {
      key: 'net.ipv4.tcp_keepalive_probes',
      default: '9',
      role: 'Unanswered probes before the kernel gives up on the connection.',
    },
  ],
  remediation: [
    {
      id: 'keepalive-below-timeout',
      title: 'Send TCP keepalive probes more often than the conntrack timeout',
      steps: [
        {
          label:
            'Enable it in the client (the sysctls only apply to sockets that set SO_KEEPALIVE)',
          language: 'text',
          code: 'Socket options: SO_KEEPALIVE=1, TCP_KEEPIDLE=300, TCP_KEEPINTVL=30, TCP_KEEPCNT=5\nGo: net.Dialer{KeepAlive: 30 * time.Second} (default 15 s)\nJava: socket.setKeepAlive(true)\nlibpq / psql: keepalives=1 keepalives_idle=300 keepalives_interval=30\nPostgreSQL JDBC: tcpKeepAlive=true',
        },
        {
          label: 'Host or pod defaults for sockets that enable keepalive',
          language: 'shell',
          code: 'sysctl -w net.ipv4.tcp_keepalive_time=300\nsysctl -w net.ipv4.tcp_keepalive_intvl=30\nsysctl -w net.ipv4.tcp_keepalive_probes=5',
        },
        {
          label:
            "With an Istio sidecar the node's entry belongs to Envoy's upstream connection: set keepalive there",
          language: 'yaml',
          code: 'apiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\nmetadata:\n  name: db\nspec:\n  host: db.prod.svc.cluster.local\n  trafficPolicy:\n    connectionPool:\n      tcp:\n        tcpKeepalive:\n          time: 300s\n          interval: 30s\n          probes: 5',
        },
      ],
      tradeoffs: [
        'Clients that never set SO_KEEPALIVE ignore the sysctls: change the application or its driver.',
        'A few packets per idle connection per interval; negligible inside a data centre, noticeable on metered or battery-powered links.',
        'The connection stays pinned to one backend for its whole life: scale-outs do not re-balance it.',
      ],
      whatIf: {
        keepalive: {
          side: 'client',
          everySec: 300,
          shorterThan: 'net.netfilter.nf_conntrack_tcp_timeout_established',
        },
      },
    },
    {
      id: 'recycle-idle-connections',
      title: 'Close pooled connections before they sit idle that long',
      steps: [
        {
          language: 'text',
          code: 'Go database/sql: db.SetConnMaxIdleTime(10 * time.Minute)\nHikariCP: idleTimeout=600000, maxLifetime=1800000\ngRPC: keepalive.ClientParameters{Time: 5 * time.Minute} (or a MaxConnectionIdle on the server)',
        },
      ],
      tradeoffs: [
        'More reconnects (and TLS handshakes) for services that are used rarely.',
        'Does not help against a flush, which can hit a connection that was busy a second earlier.',
      ],
    },
    {
      id: 'raise-established-timeout',
      title: 'Raise the established timeout (narrows the window, does not close it)',
      steps: [
        {
          language: 'shell',
          code: 'sysctl -w net.netfilter.nf_conntrack_tcp_timeout_established=432000\n# kube-proxy rewrites it at start: --conntrack-tcp-timeout-established=120h',
        },
      ],
      tradeoffs: [
        'Entries of connections that vanished without FIN or RST (crashed peers, dropped links) stay as long, so the table fills faster (see conntrack-table-full).',
        'Any idle period longer than the new value still fails, and so does a flush.',
      ],
      whatIf: { settings: { 'net.netfilter.nf_conntrack_tcp_timeout_established': '432000' } },
    },
    {
      id: 'no-blanket-flush',
      title: 'Do not flush conntrack on nodes carrying long-lived connections',
      steps: [
        {
          label: 'Delete only what must go, e.g. entries of one Service IP',
          language: 'shell',
          code: 'conntrack -D -p tcp --orig-dst 10.96.0.20 --orig-port-dst 5432',
        },
      ],
      tradeoffs: [
        'Runbooks and agents that flush on restart need changing; stale UDP entries after endpoint changes still need targeted deletion.',
      ],
    },
  ],
  verification: [
    'conntrack -E -o timestamp on the node: no [DESTROY] for the long-lived flow during idle periods, and in conntrack -L its remaining timeout climbs back after each probe.',
    'ss -tanoe on the client shows timer:(keepalive,...) on the pooled connections.',
    'Capture during an idle period: keepalive probes (zero-length ACK one byte below the next sequence number) and their ACKs every interval; no RST after the idle gap.',
    "`npx netmortem simulate <bundle> --format json --what-if keepalive=client:300` shows the expiry and the RST gone (use a value below the bundle's timeout).",
  ],
  references: [
    {
      title: 'Linux kernel documentation: netfilter conntrack sysctls',
      url: 'https://docs.kernel.org/networking/nf_conntrack-sysctl.html',
    },
    {
      title: 'kube-proxy command-line reference (--conntrack-tcp-timeout-established)',
      url: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/',
    },
    {
      title: 'tcp(7): TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT',
      url: 'https://man7.org/linux/man-pages/man7/tcp.7.html',
    },
    {
      title: 'Istio DestinationRule reference: ConnectionPoolSettings.TCPSettings.TcpKeepalive',
      url: 'https://istio.io/latest/docs/reference/config/networking/destination-rule/',
    },
    {
      title:
        'Write-up reproducing the re-balance with two server pods, conntrack -F and conntrack -E (seed 003)',
    },
  ],
  lab: {
    description:
      'A ClusterIP-style DNAT with a statistic match spreads connections over two backends. A long-lived connection idles past nf_conntrack_tcp_timeout_established (shrunk to 3 s) or its entry is flushed; its next segment is picked up mid-stream (tcp_loose=1), goes through the nat table again and may land on the other backend, which has no such socket and answers with a RST: the client reads "connection reset by peer" from the service address. conntrack -E shows DESTROY, then NEW for the same client port with the other backend in the reply tuple.',
    variants: [
      'clusterip-random-timeout-full-artifacts: forwarding node, statistic random, established timeout 3 s, six idle connections; node capture, conntrack -E -o timestamp, -L/-S, rules, sysctl, client and backend logs',
      'node-local-nth-flush-plain-events: client on the node itself (OUTPUT DNAT), statistic nth, conntrack -F mid-flow; conntrack -E without timestamps, backend-side capture (snaplen 256), ss, client log',
    ],
  },
  seeds: ['003'],
};
