import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'sidecar-halfclose-leak',
  title: 'Sidecar half-close leaks proxy sockets in FIN-WAIT-2 for an hour',
  summary:
    'The sidecar forwards an upstream FIN to the application as a half-close; the application closes later than nf_conntrack_tcp_timeout_close_wait (60 s), by which time the REDIRECT entry is gone, so its FIN is INVALID, never translated back and never reaches the proxy, whose socket stays in FIN-WAIT-2 until the proxy idle timeout (one hour by default).',
  symptoms: [
    "ss in the pod shows FIN-WAIT-2 sockets on the sidecar's outbound listener (127.0.0.1:15001) whose peer is the pod IP and an ephemeral port, some of them minutes old",
    "Envoy's active downstream connection count for TCP services creeps up when upstreams close first, and falls back hourly",
    'Rare connect timeouts from the same pod later on (see ephemeral-port-collision-challenge-ack)',
    "The application's socket for that connection sits in LAST-ACK, retransmitting its FIN to the service address",
  ],
  mechanism: [
    "The application connects to a TCP service; the pod's iptables REDIRECT sends the SYN to Envoy's outbound listener (127.0.0.1:15001) and conntrack records the translation.",
    "The upstream server closes first. Envoy's TCP proxy passes the half-close on: it calls shutdown(SHUT_WR) on the downstream socket, which sends a FIN to the application and leaves Envoy's socket in FIN-WAIT-2, waiting for the application's FIN.",
    "The application's kernel acknowledges the FIN. Conntrack moves the entry through FIN_WAIT to CLOSE_WAIT and arms nf_conntrack_tcp_timeout_close_wait (60 s).",
    'The application does not close within 60 s (it notices the EOF late, or keeps the socket in a pool). The entry expires.',
    'When the application finally closes, its FIN finds no entry; a FIN cannot open a connection, so conntrack marks it INVALID. It is not translated to 127.0.0.1:15001 and leaves toward the original service address, where nobody knows it. The application retransmits it from LAST-ACK until it gives up.',
    "Envoy's socket was half-closed with shutdown(), not orphaned by close(), so net.ipv4.tcp_fin_timeout does not apply: it stays in FIN-WAIT-2 until Envoy's TCP proxy idle_timeout (1 h by default) fires. Its upstream socket, in CLOSE-WAIT, is held just as long: two sockets per occurrence.",
  ],
  signatures: [
    {
      kind: 'ss',
      what: 'Sidecar sockets in FIN-WAIT-2 with local 127.0.0.1:15001 (or the inbound port 15006) and a pod-IP peer, without a timer in ss -o (an orphaned FIN-WAIT-2 would show timer:(timewait,...)); the application socket for the same port in LAST-ACK with a retransmit timer, or already gone.',
      example: 'FIN-WAIT-2 0 0 127.0.0.1:15001 10.0.0.7:44410',
    },
    {
      kind: 'conntrack-events',
      what: '[UPDATE] FIN_WAIT then [UPDATE] CLOSE_WAIT for the redirected flow, then [DESTROY] exactly close_wait seconds later with no LAST_ACK or TIME_WAIT step; nothing when the application FIN leaves.',
    },
    {
      kind: 'conntrack-table',
      what: 'No entry for the 4-tuple of the FIN-WAIT-2 socket although ss still lists it.',
    },
    {
      kind: 'pcap',
      what: "On lo: Envoy's FIN to the application and its ACK. More than close_wait seconds later, on eth0: the application's FIN addressed to the original service ip:port (not redirected), answered by a RST from that address or retransmitted with backoff. Nothing reaches 15001.",
    },
    {
      kind: 'iptables-save',
      what: "The pod's nat table redirects outbound TCP to the sidecar (ISTIO_OUTPUT jumping to ISTIO_REDIRECT with REDIRECT --to-ports 15001).",
    },
    {
      kind: 'sysctl',
      what: 'nf_conntrack_tcp_timeout_close_wait = 60 in the pod network namespace.',
    },
    {
      kind: 'envoy-access-log',
      what: 'TCP proxy entries (no HTTP method) whose duration is close to the idle timeout (about 3600000 ms) although all bytes moved in the first seconds.',
    },
  ],
  affected: {
    kernel:
      'All kernels: the 60 s CLOSE_WAIT timeout of conntrack and the absence of a FIN-WAIT-2 timer for sockets half-closed with shutdown() are long-standing.',
    envoy:
      'TCP proxy forwards half-closes by design; its idle_timeout defaults to 1 h, which bounds the leak.',
    istio:
      'Sidecar mode with iptables REDIRECT, all versions (istio/istio#43297). Interception modes that do not rely on a per-connection REDIRECT entry were not analysed here.',
  },
  sysctls: [
    {
      key: 'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
      default: '60',
      role: "After this long in CLOSE_WAIT the REDIRECT entry is gone and the application's late FIN can no longer reach the proxy. Per network namespace.",
    },
    {
      key: 'net.ipv4.tcp_fin_timeout',
      default: '60',
      role: 'Bounds only orphaned FIN-WAIT-2 sockets (after close()); a socket half-closed with shutdown() has no such timer, which is why the leak lasts until the proxy idle timeout.',
    },
  ],
  remediation: [
    {
      id: 'raise-close-wait-timeout',
      title: 'Keep the CLOSE_WAIT entry longer than the application takes to close',
      steps: [
        {
          label: 'In the pod network namespace (e.g. an init container with NET_ADMIN)',
          language: 'shell',
          code: 'sysctl -w net.netfilter.nf_conntrack_tcp_timeout_close_wait=3600',
        },
        {
          label:
            'Or per pod (kubelet: --allowed-unsafe-sysctls=net.netfilter.nf_conntrack_tcp_timeout_close_wait)',
          language: 'yaml',
          code: 'spec:\n  securityContext:\n    sysctls:\n      - name: net.netfilter.nf_conntrack_tcp_timeout_close_wait\n        value: "3600"',
        },
      ],
      tradeoffs: [
        'Half-closed flows keep their entries up to an hour: more conntrack memory in busy pods.',
        'Applies to every flow in that namespace, not only the redirected ones.',
      ],
      whatIf: { settings: { 'net.netfilter.nf_conntrack_tcp_timeout_close_wait': '3600' } },
    },
    {
      id: 'close-on-eof',
      title: 'Make the application close promptly when it reads EOF',
      steps: [
        {
          language: 'text',
          code: 'When read() returns 0, close the socket at once (or evict it from the pool). Pools should check idle connections for EOF before reuse and on a timer.',
        },
      ],
      tradeoffs: ['Needs a code or library change; no runtime cost.'],
    },
    {
      id: 'shorter-proxy-idle-timeout',
      title: 'Shorten the TCP proxy idle timeout so leaked sockets are reaped sooner',
      steps: [
        {
          label: 'Per workload (Istio proxy metadata; sets the outbound tcp_proxy idle_timeout)',
          language: 'yaml',
          code: 'metadata:\n  annotations:\n    proxy.istio.io/config: |\n      proxyMetadata:\n        ISTIO_META_IDLE_TIMEOUT: "300s"',
        },
      ],
      tradeoffs: [
        'Legitimately idle TCP connections (database pools, brokers) through the sidecar are cut after the same period: pair it with keepalive or pool idle limits.',
        'Not applied to PassthroughCluster traffic (istio/istio#38413).',
      ],
    },
    {
      id: 'kill-leaked-sockets',
      title: 'One-off cleanup of sockets already leaked',
      steps: [
        {
          label: 'Needs a kernel with CONFIG_INET_DIAG_DESTROY; run in the pod network namespace',
          language: 'shell',
          code: "nsenter -t <pid> -n ss -K state fin-wait-2 '( sport = :15001 )'",
        },
      ],
      tradeoffs: [
        'Treats the symptom once; new leaks appear until one of the fixes above is in place.',
      ],
    },
  ],
  verification: [
    "In the pod: `ss -tan state fin-wait-2 '( sport = :15001 )'` stays near zero and no such socket is older than a few seconds.",
    'conntrack -E in the pod: redirected flows end through LAST_ACK/TIME_WAIT before [DESTROY], not by a timeout in CLOSE_WAIT.',
    "Envoy's active downstream connections for the listener return to the baseline after traffic stops.",
  ],
  references: [
    {
      title:
        'istio/istio#43297: TCP Proxy half-closed connection leak for 1 hour in some scenarios',
      url: 'https://github.com/istio/istio/issues/43297',
    },
    {
      title: 'Envoy TCP proxy configuration reference (idle_timeout)',
      url: 'https://www.envoyproxy.io/docs/envoy/latest/api-v3/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
    },
    {
      title:
        'istio/istio#38413 (feature request): ISTIO_META_IDLE_TIMEOUT does not reach PassthroughCluster',
      url: 'https://github.com/istio/istio/issues/38413',
    },
    {
      title: 'Linux kernel documentation: netfilter conntrack sysctls',
      url: 'https://docs.kernel.org/networking/nf_conntrack-sysctl.html',
    },
    {
      title: 'Linux kernel documentation: IP sysctls (tcp_fin_timeout)',
      url: 'https://docs.kernel.org/networking/ip-sysctl.html',
    },
    { title: 'Istio half-close leak and ephemeral port collision write-up (seed 000)' },
  ],
  lab: {
    description:
      "A pod namespace with istio-style REDIRECT rules and a small TCP proxy standing in for Envoy's tcp_proxy (it forwards a FIN as shutdown(SHUT_WR), keeps reading, ends a session only at its idle timeout, and writes Envoy's default text access log). One side closes, the proxy half-closes toward the other, which closes only after the pod's CLOSE_WAIT timeout (shrunk to 1-2 s). The late FIN is INVALID and not translated: outbound it leaves eth0 for the upstream's real address (answered by RST), inbound it reaches the application's own listener (answered by RST). The proxy never sees it and its socket stays in FIN-WAIT-2 until the proxy idle timeout (5 s in the lab).",
    variants: [
      'outbound-redirect-full-artifacts: app -> REDIRECT 15001 -> proxy -> upstream, CLOSE_WAIT 2 s, the app closes 2.6 s after EOF; capture on any interface, conntrack -E -o timestamp, ss, conntrack -L/-S, access log, app log',
      'inbound-redirect-events-no-capture: client -> pod:8080 REDIRECT 15006 -> proxy -> app on 127.0.0.1, CLOSE_WAIT 1 s, the client closes 1.8 s after EOF; conntrack -E without timestamps, ss, conntrack -L/-S, access log, client log; no capture',
    ],
  },
  seeds: ['000'],
};
