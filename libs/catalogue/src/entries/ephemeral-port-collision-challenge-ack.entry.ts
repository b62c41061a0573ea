import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'ephemeral-port-collision-challenge-ack',
  title:
    'New connection collides with a leaked proxy socket: challenge ACK, INVALID RST, connect timeout',
  summary:
    "An outbound connect picks a source port still held by a leaked FIN-WAIT-2 socket of the proxy; the SYN reaches that socket, which answers with a challenge ACK; the application's RST in reply is judged INVALID by conntrack on kernels before 6.2, so the stale socket survives and the SYN is retried until the connect times out. With the 6.2 conntrack change the RST gets through, the stale socket dies and the retried SYN connects within milliseconds.",
  symptoms: [
    'connect() to a healthy service times out ("connect: connection timed out", "dial tcp ...: i/o timeout") from one pod while nearly all other connections succeed',
    'The failing attempts reuse one particular source port; a retry that draws another port succeeds at once',
    'Seen only where FIN-WAIT-2 sockets leak on the sidecar (sidecar-halfclose-leak), mostly in busy pods that cycle through the ephemeral port range',
    'On kernels with the 6.2 change the same collision costs a few milliseconds: an extra SYN, a stray ACK and a RST in a capture, and no error',
  ],
  mechanism: [
    'Envoy holds a leaked FIN-WAIT-2 socket 127.0.0.1:15001 <-> POD_IP:P from an earlier connection (sidecar-halfclose-leak); the conntrack entry of that flow has long expired.',
    "The application's own socket of that old connection is gone, so port P is free for it again. After REDIRECT every outbound connection lands on 127.0.0.1:15001, so only the source port has to match, whichever service the application dials.",
    'The SYN from P creates a conntrack entry (SYN_SENT, reply tuple 127.0.0.1:15001 -> POD_IP:P) and is redirected to 15001, where the kernel finds the stale established 4-tuple instead of the listener.',
    'A synchronized socket that receives a SYN answers with a challenge ACK (RFC 5961): a plain ACK carrying its old sequence and acknowledgement numbers. Conntrack lets this reply ACK through without changing state and translates it back.',
    "The application's SYN-SENT socket sees an ACK that does not acknowledge its SYN and answers with a RST whose sequence number is that ACK's acknowledgement number, which is exactly what the stale socket would accept.",
    'Conntrack checks the RST against the new SYN_SENT entry. Before 6.2 its sequence number is outside the window the entry knows, so it is INVALID: it is not translated to 127.0.0.1:15001 (and is dropped if an INVALID drop rule exists). The stale socket never sees it.',
    'The application retransmits the SYN (once almost immediately after that RST, then after 1 s, 2 s, 4 s ...). Each SYN meets the same stale socket; challenge ACKs are rate-limited per socket (net.ipv4.tcp_invalid_ratelimit, 500 ms), so some SYNs get no answer at all. connect() fails after net.ipv4.tcp_syn_retries (about 127 s with the default 6) or the application timeout.',
    'From 6.2 (commit c410cb974f2b) conntrack remembers the challenge ACK it let through in SYN_SENT and accepts the RST whose sequence equals that ACK: the RST is translated, reaches the stale socket and kills it, and the quick SYN retransmission finds the listener. The connection opens a few milliseconds late.',
  ],
  signatures: [
    {
      kind: 'pcap',
      what: "SYN from port P; the answer is a plain ACK (no SYN flag) whose acknowledgement number has nothing to do with the SYN's sequence; the client immediately sends a RST with sequence = that acknowledgement number; then the same SYN again a few ms later and at growing intervals, answered by the same ACK or by nothing, never by a SYN-ACK. On 6.2+ a SYN-ACK follows the first quick retransmission.",
      example:
        '10.0.0.7.44410 > 10.96.0.30.7777: Flags [S], seq 1000\n10.96.0.30.7777 > 10.0.0.7.44410: Flags [.], ack 5123457\n10.0.0.7.44410 > 10.96.0.30.7777: Flags [R], seq 5123457',
    },
    {
      kind: 'ss',
      what: "In the pod, at the same time: a sidecar socket in FIN-WAIT-2 127.0.0.1:15001 <-> POD_IP:P (no timer) and the application's SYN-SENT socket from P with a retransmit timer and a growing retransmission count.",
    },
    {
      kind: 'conntrack-table',
      what: 'A SYN_SENT [UNREPLIED] entry from POD_IP:P to the service whose reply tuple is 127.0.0.1:15001 -> POD_IP:P, persisting across SYN retransmissions.',
      example:
        'tcp 6 108 SYN_SENT src=10.0.0.7 dst=10.96.0.30 sport=44410 dport=7777 [UNREPLIED] src=127.0.0.1 dst=10.0.0.7 sport=15001 dport=44410',
    },
    {
      kind: 'conntrack-events',
      what: '[NEW] SYN_SENT for the redirected connection that never reaches SYN_RECV or ESTABLISHED before 6.2; from 6.2 a CLOSE on the RST and then a normal handshake within milliseconds.',
    },
    {
      kind: 'conntrack-stats',
      what: 'invalid rises by one per client RST (kernels before 6.2).',
    },
    {
      kind: 'uname',
      what: 'Kernel release below 6.2 without the stable backport; check the distribution changelog for "handle tcp challenge acks during connection reuse".',
    },
    {
      kind: 'sysctl',
      what: 'nf_conntrack_tcp_ignore_invalid_rst = 0 (the key is missing before 5.14).',
    },
    {
      kind: 'dmesg',
      what: 'With nf_conntrack_log_invalid set: a "SEQ is over the upper bound" line for the client RST of the redirected flow.',
    },
    {
      kind: 'app-log',
      what: 'connect: connection timed out / i/o timeout toward a Service IP while other connections to it succeed.',
    },
  ],
  affected: {
    kernel:
      'Kernels before 6.2 that lack "netfilter: conntrack: handle tcp challenge acks during connection reuse" (mainline c410cb974f2b, January 2023; also queued for the 6.1 and older stable series that month, so a patched distribution kernel below 6.2 can behave like 6.2). From 5.14 nf_conntrack_tcp_ignore_invalid_rst offers a workaround. Before 5.14 behaviour varies: the seed saw Ubuntu 5.4.0-137 translate the RST while SUSE 5.14.21 dropped it.',
    istio:
      'Sidecar mode with REDIRECT, any version; the precondition is a leaked socket on 15001 or 15006 (istio/istio#43297).',
  },
  sysctls: [
    {
      key: 'net.netfilter.nf_conntrack_tcp_ignore_invalid_rst',
      default: '0',
      role: 'From 5.14: when 1, out-of-window RSTs are no longer INVALID, so the client RST is translated and reaches the stale socket even before 6.2.',
    },
    {
      key: 'net.ipv4.tcp_invalid_ratelimit',
      default: '500',
      role: 'Minimum milliseconds between challenge ACKs of one socket: SYN retransmissions closer than this get no answer.',
    },
    {
      key: 'net.ipv4.tcp_syn_retries',
      default: '6',
      role: 'SYN retransmissions before connect() fails: 6 means about 127 s.',
    },
    {
      key: 'net.ipv4.ip_local_port_range',
      default: '32768\t60999',
      role: 'A narrow range or a high connection rate brings the leaked port back into use sooner.',
    },
    {
      key: 'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
      default: '60',
      role: 'Source of the leaked socket (see sidecar-halfclose-leak).',
    },
  ],
  remediation: [
    {
      id: 'kernel-with-challenge-ack-fix',
      title: 'Run a kernel with the conntrack challenge-ACK change',
      steps: [
        {
          language: 'text',
          code: 'Upgrade nodes to Linux 6.2 or later, or to a distribution kernel whose changelog contains "netfilter: conntrack: handle tcp challenge acks during connection reuse".',
        },
      ],
      tradeoffs: [
        'A node image rollout. The leak that sets this up remains; it just stops turning into timeouts.',
      ],
      whatIf: { kernel: '6.2+' },
    },
    {
      id: 'ignore-invalid-rst',
      title: 'Let out-of-window RSTs through conntrack (5.14 and later)',
      steps: [
        {
          label: 'In the pod network namespace',
          language: 'shell',
          code: 'sysctl -w net.netfilter.nf_conntrack_tcp_ignore_invalid_rst=1',
        },
      ],
      tradeoffs: [
        'Out-of-window RSTs are translated and delivered instead of being flagged, which makes reset injection through this namespace easier for an off-path attacker who guesses the ports.',
        'Does nothing before 5.14, where the key does not exist.',
        'nf_conntrack_tcp_be_liberal=1 is no substitute: it still marks out-of-window RSTs INVALID.',
      ],
      whatIf: { settings: { 'net.netfilter.nf_conntrack_tcp_ignore_invalid_rst': '1' } },
    },
    {
      id: 'stop-the-leak',
      title: 'Remove the leaked sockets that set the trap',
      steps: [
        {
          label:
            'Apply the fixes of sidecar-halfclose-leak; meanwhile clear existing leaks in the pod namespace',
          language: 'shell',
          code: "nsenter -t <pid> -n ss -K state fin-wait-2 '( sport = :15001 )'",
        },
      ],
      tradeoffs: [
        'ss -K needs CONFIG_INET_DIAG_DESTROY and is a one-off; the durable fix is in sidecar-halfclose-leak.',
      ],
    },
  ],
  verification: [
    'A capture of a collision shows challenge ACK, RST, then a SYN-ACK within milliseconds instead of repeated SYNs.',
    'conntrack -S invalid no longer rises in step with connect attempts.',
    '`nstat -az TcpExtTCPSynRetrans` in the pod rises only with real packet loss.',
    'No FIN-WAIT-2 socket on :15001 older than a minute once the leak is fixed.',
    '`npx netmortem simulate <bundle> --format json --what-if kernel=6.2+` shows the SYN-ACK that the old kernel never produced.',
  ],
  references: [
    {
      title:
        'Linux commit c410cb974f2b: netfilter: conntrack: handle tcp challenge acks during connection reuse',
      url: 'https://github.com/torvalds/linux/commit/c410cb974f2ba562920ecb8492ee66945dcf88af',
    },
    {
      title:
        'Linux commit 1da4cd82dd18: netfilter: conntrack: add new sysctl to disable RST check (5.14)',
      url: 'https://github.com/torvalds/linux/commit/1da4cd82dd180224503e745ccf3220e3490d8897',
    },
    {
      title:
        'Linux commit c4edc3ccbc63: netfilter: conntrack: improve RST handling when tuple is re-used (5.14)',
      url: 'https://github.com/torvalds/linux/commit/c4edc3ccbc63947e697bd2e30afca8bfaa144998',
    },
    {
      title: "RFC 5961: Improving TCP's Robustness to Blind In-Window Attacks (challenge ACK)",
      url: 'https://www.rfc-editor.org/rfc/rfc5961',
    },
    {
      title:
        'istio/istio#43297: TCP Proxy half-closed connection leak for 1 hour in some scenarios',
      url: 'https://github.com/istio/istio/issues/43297',
    },
    {
      title:
        'Linux kernel documentation: netfilter conntrack sysctls (nf_conntrack_tcp_ignore_invalid_rst)',
      url: 'https://docs.kernel.org/networking/nf_conntrack-sysctl.html',
    },
    { title: 'Istio half-close leak and ephemeral port collision write-up (seed 000)' },
  ],
  lab: {
    description:
      "First a proxy socket is leaked in FIN-WAIT-2 as in the sidecar-halfclose-leak lab (istio-style REDIRECT to a stand-in for Envoy, the application closing after the shrunk CLOSE_WAIT timeout). Then the application opens a new connection from the same source port (the kernel's choice from a two-port ip_local_port_range, or a bind()); the REDIRECT maps it onto the leaked socket's 4-tuple. The SYN meets that socket, which answers with a challenge ACK, and the application answers the ACK with a RST.",
    variants: [
      'port-range-reuse-conntrack-events: pod and upstream, ip_local_port_range of two ports; the leak is made before recording, then a reconnect picks the same port; capture on any interface, conntrack -E -o timestamp, ss before and after, conntrack -L/-S, access log',
      'bound-port-second-service-invalid-drop: pod -> node -> upstream, the app binds port 24680 and calls VIP A then VIP B, OUTPUT drops INVALID; capture on any interface (snaplen 256) from after the leak, ss before and after, iptables-save -c, nstat, conntrack -S; no conntrack events',
    ],
    kernelNotes: [
      'This machine runs 6.18, which has the 6.2 change: conntrack accepts the RST whose sequence equals the challenge ACK, translates it to the leaked socket and kills it; the application retransmits its SYN at once (the kernel shortens the first retransmission after an unacceptable ACK) and connects within about 10 ms. The lab bundles therefore show the collision healing, not the timeout.',
      "An INVALID drop rule in the pod does not change that on 6.2+; it only keeps the application's own late FIN from leaving, so that socket lingers in LAST-ACK.",
      'The pre-6.2 timeout is what the simulator predicts with kernel profile pre-5.14 or 5.14-6.1; this kernel cannot show it.',
    ],
  },
  seeds: ['000'],
};
