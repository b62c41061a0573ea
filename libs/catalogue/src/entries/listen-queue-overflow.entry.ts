import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'listen-queue-overflow',
  title: 'Listen queue overflow: handshakes dropped while the application is slow to accept',
  summary:
    "The application does not call accept() fast enough, so the listener's accept queue (its backlog, capped by net.core.somaxconn) fills; Linux then drops new SYNs and the final ACKs of handshakes (ListenOverflows and ListenDrops rise), and clients see connects that take seconds or time out, or immediate resets when tcp_abort_on_overflow=1.",
  symptoms: [
    "Connect latency jumps to whole seconds (SYN retries) for some requests while the server's own request latency looks normal",
    'Connect timeouts during bursts, after a GC pause or CPU throttling, or whenever an event loop is blocked by a slow handler',
    'The server application logs nothing about the lost clients: they never got past the kernel',
    'Some clients believe they are connected, send their request and wait; others get "connection reset by peer" right after connecting (tcp_abort_on_overflow=1)',
  ],
  mechanism: [
    "The kernel completes TCP handshakes on its own and parks finished connections in the listener's accept queue until the application calls accept(). Its capacity is the backlog passed to listen(), capped by net.core.somaxconn; the kernel admits one connection more than that number.",
    'The application stops accepting for a while (worker pool saturated, single-threaded event loop busy in a handler, CPU quota throttled, GC pause), or connections arrive faster than it accepts them; the queue fills.',
    'While the queue is full the listener drops incoming SYNs (ListenOverflows and ListenDrops count them); clients retransmit their SYN after about 1 s and keep retrying.',
    'A handshake whose SYN got in but whose final ACK arrives while the queue is full is not completed: with net.ipv4.tcp_abort_on_overflow=0 (default) the ACK is dropped and the server keeps the request in SYN-RECV, retransmitting its SYN-ACK (net.ipv4.tcp_synack_retries). The client already considers itself connected and sends its request, which nobody answers until the queue drains.',
    'With net.ipv4.tcp_abort_on_overflow=1 the server answers that ACK with a RST instead: the client fails at once with "connection reset by peer" (or EPIPE on its first write).',
    'If half-open handshakes also exceed the backlog and tcp_syncookies=1, the kernel answers with SYN cookies and logs "Possible SYN flooding on port ... Sending cookies".',
  ],
  signatures: [
    {
      kind: 'net-counters',
      what: 'TcpExtListenOverflows and TcpExtListenDrops rising between two snapshots (ListenDrops >= ListenOverflows); TcpExtSyncookiesSent, TcpExtTCPReqQFullDoCookies or TcpExtTCPReqQFullDrop when the half-open queue filled too.',
      example:
        'TcpExtListenOverflows           1843               0.0\nTcpExtListenDrops               1843               0.0',
    },
    {
      kind: 'ss',
      what: 'The LISTEN socket with Recv-Q (connections waiting for accept()) at or one above Send-Q (the effective backlog); SYN-RECV entries on the server; clients in SYN-SENT with retransmit timers, or ESTABLISHED with an unacknowledged request.',
      example: 'LISTEN 129    128    0.0.0.0:8080    0.0.0.0:*',
    },
    {
      kind: 'pcap',
      what: 'On the server: client SYNs without a SYN-ACK while the queue is full and the same SYN answered about a second later once there is room; or a completed handshake after which the server keeps re-sending its SYN-ACK (it dropped the client ACK) while the client request waits unacknowledged; with tcp_abort_on_overflow=1 a RST right after the client ACK.',
    },
    {
      kind: 'dmesg',
      what: '"Possible SYN flooding on port ... Sending cookies." (or "Dropping request" with tcp_syncookies=0) when the half-open queue overflows; the prefix and address format differ between kernel versions.',
    },
    {
      kind: 'sysctl',
      what: 'net.core.somaxconn (4096 since 5.4, 128 before) and the backlog the application passes; net.ipv4.tcp_abort_on_overflow; net.ipv4.tcp_syncookies.',
    },
    {
      kind: 'app-log',
      what: 'Clients: "connect: connection timed out", "dial tcp ...: i/o timeout", slow connects, or "connection reset by peer" just after connecting; the server logs nothing for those clients.',
    },
    {
      kind: 'conntrack-events',
      what: 'On a stateful router in front: [NEW] SYN_SENT entries that stay unreplied for seconds, or reach ESTABLISHED while the server keeps retransmitting SYN-ACKs.',
    },
  ],
  affected: {
    kernel:
      'All kernels. net.core.somaxconn defaults to 4096 since 5.4 (128 before), so older nodes cap every backlog at 128 whatever the application asks. somaxconn is per network namespace and a new pod namespace starts from the kernel default, not from the node value.',
    other: [
      'Default listen backlogs: Node.js 511, nginx 511 on Linux (listen ... backlog=), Java ServerSocket 50; Go passes net.core.somaxconn.',
    ],
  },
  sysctls: [
    {
      key: 'net.core.somaxconn',
      default: '4096',
      role: 'Upper bound for every listen() backlog in the network namespace (128 before 5.4).',
    },
    {
      key: 'net.ipv4.tcp_max_syn_backlog',
      role: 'Bound on half-open handshakes (SYN-RECV); the default depends on memory (e.g. 2048 on this machine).',
    },
    {
      key: 'net.ipv4.tcp_syncookies',
      default: '1',
      role: 'With 1, SYN cookies replace dropped SYNs when the half-open queue overflows, and the kernel logs "Possible SYN flooding".',
    },
    {
      key: 'net.ipv4.tcp_abort_on_overflow',
      default: '0',
      role: 'At 0 the final ACK into a full accept queue is dropped (client waits); at 1 it is answered with a RST (client fails fast).',
    },
    {
      key: 'net.ipv4.tcp_synack_retries',
      default: '5',
      role: 'How often the server re-sends a SYN-ACK whose final ACK it dropped before giving the handshake up.',
    },
  ],
  remediation: [
    {
      id: 'unblock-accept-loop',
      title: 'Give the accept loop the time it needs',
      steps: [
        {
          label: 'Find out why accept() falls behind',
          language: 'shell',
          code: "cat /sys/fs/cgroup/cpu.stat            # nr_throttled / throttled_usec rising: CPU limit too tight\nss -ltn 'sport = :8080'                # Recv-Q against Send-Q while it happens\nnstat -az TcpExtListenOverflows TcpExtListenDrops",
        },
        {
          language: 'text',
          code: 'Move slow or blocking work off the accepting thread (event loop, worker pool), raise the CPU limit, or add replicas.',
        },
      ],
      tradeoffs: [
        'The real fix, but it needs a code, sizing or scaling change; a larger queue only absorbs bursts.',
      ],
    },
    {
      id: 'raise-backlog',
      title: 'Raise the listen backlog and somaxconn together',
      steps: [
        {
          label:
            'Namespace cap (per pod: Kubernetes treats it as an unsafe sysctl, allow it with --allowed-unsafe-sysctls=net.core.somaxconn)',
          language: 'shell',
          code: 'sysctl -w net.core.somaxconn=16384\nsysctl -w net.ipv4.tcp_max_syn_backlog=16384',
        },
        {
          label: 'The application must ask for it and re-create the listener',
          language: 'text',
          code: 'nginx: listen 8080 backlog=16384;\nNode.js: server.listen({ port: 8080, backlog: 16384 })\nJava: new ServerSocket(8080, 16384)',
        },
      ],
      tradeoffs: [
        'A deeper queue trades drops for waiting: connections can sit seconds before accept() and clients may time out anyway.',
        'somaxconn is only a cap: without the application-side backlog nothing changes.',
      ],
    },
    {
      id: 'abort-on-overflow',
      title: 'Fail fast instead of stalling',
      steps: [{ language: 'shell', code: 'sysctl -w net.ipv4.tcp_abort_on_overflow=1' }],
      tradeoffs: [
        'Clients get resets during short bursts that the default would have absorbed by retransmission; only worth it when clients retry another backend at once (behind a load balancer).',
      ],
    },
  ],
  verification: [
    '`nstat -az TcpExtListenOverflows TcpExtListenDrops` stays flat under the same load.',
    'ss -ltn at peak: Recv-Q stays well below Send-Q.',
    'Client connect latency loses its whole-second modes.',
  ],
  references: [
    {
      title: 'Cloudflare blog: SYN packet handling in the wild (2018)',
      url: 'https://blog.cloudflare.com/syn-packet-handling-in-the-wild/',
    },
    {
      title: 'listen(2): backlog and somaxconn',
      url: 'https://man7.org/linux/man-pages/man2/listen.2.html',
    },
    {
      title:
        'Linux kernel documentation: IP sysctls (somaxconn, tcp_abort_on_overflow, tcp_syncookies)',
      url: 'https://docs.kernel.org/networking/ip-sysctl.html',
    },
    {
      title: 'Kubernetes documentation: Using sysctls in a Kubernetes Cluster',
      url: 'https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/',
    },
  ],
  lab: {
    description:
      'A single-threaded HTTP server listens with a tiny backlog and then blocks its event loop in a slow handler, so nothing is accepted; a burst of clients fills the accept queue (ss -ltn shows Recv-Q one above Send-Q) and TcpExtListenOverflows/ListenDrops climb. SYNs that meet the full queue get no SYN-ACK; with a slow client uplink the handshakes overlap, SYN cookies engage, and the final ACK meets the full queue, where it is dropped (tcp_abort_on_overflow=0) or answered with a RST (=1).',
    variants: [
      'syn-drops-server-capture: backlog 2, abort_on_overflow=0, one link; SYNs dropped, dial timeouts and slow connects; server capture, ss -ltn during the stall, nstat before and after',
      'abort-on-overflow-slow-uplink-client-capture: backlog 4, abort_on_overflow=1, clients behind a router on a slow uplink; handshakes complete into a full queue and get a RST; client capture (snaplen 256), client log, ss, nstat',
      'final-ack-dropped-conntrack-events-no-capture: backlog 3, abort_on_overflow=0, slow uplink through a stateful router; final ACK dropped, SYN-ACKs retransmitted, requests hang; conntrack -E on the router, ss, nstat, dmesg, client log, no capture',
    ],
    kernelNotes: [
      'This machine (6.18) has net.ipv4.tcp_syn_linear_timeouts=4: measured here, an unanswered SYN was retransmitted 1, 2, 3, 4 and 5 s after the first, then at 7, 11 and 19 s, not at the classic 1, 3, 7, 15 s.',
    ],
  },
  seeds: [],
};
