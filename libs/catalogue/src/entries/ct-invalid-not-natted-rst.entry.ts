import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'ct-invalid-not-natted-rst',
  title: 'Out-of-window segment marked INVALID skips NAT and draws a RST',
  summary:
    "With nf_conntrack_tcp_be_liberal=0, conntrack judges a segment outside the tracked window INVALID; INVALID packets bypass the nat table, so a REDIRECT/DNAT is not applied, the segment reaches the real destination port (often the application's own listener), and that socket answers a bare RST that kills the client's connection.",
  symptoms: [
    'Intermittent "connection reset by peer" on long or large transfers (uploads of hundreds of MB) through a sidecar, an ingress gateway or a Service; small requests almost never fail',
    'Envoy answers 503 with response flag UC and response_code_details upstream_reset_before_response_started{connection_termination}, yet the application logged no error and closed nothing',
    'The rate grows with bandwidth, packet loss and retransmissions; client retries hide most of it',
    "A capture shows the reset leaving the application's own port (e.g. 9000) instead of the proxy port (15006), or a pod address where the client dialled a Service IP",
  ],
  mechanism: [
    "A connection is translated by conntrack-based NAT: an Istio sidecar's REDIRECT from the application port to Envoy (15006 inbound, 15001 outbound), or kube-proxy's DNAT from a Service IP to a pod.",
    'Conntrack follows the sequence window of each direction. A segment arrives outside it: a retransmission of data acknowledged long ago, a segment delayed past a window that has moved on, a burst larger than the advertised window, or a window scale conntrack never saw.',
    'With net.netfilter.nf_conntrack_tcp_be_liberal=0 (the default) conntrack marks that segment INVALID and attaches no connection to it.',
    'The nat table only acts on packets that belong to a connection, so the INVALID segment keeps its original destination: the pod port 9000 instead of 15006, or the pod address where the peer expects the Service IP.',
    'Unless a rule drops INVALID packets, the segment is delivered to whoever owns that original address: in a sidecar pod the application listening on 9000; on a NodePort the node itself, which has no listener on that port; with kube-proxy in the reply direction, the client host receives a segment from a backend pod address it never talked to.',
    "That receiver has no connection for the 4-tuple, so its kernel sends a bare RST (no ACK flag, sequence number = the segment's acknowledgement number) back to the segment's sender.",
    'The RST carries real, untranslated addresses which the sender recognises as its own connection, and its sequence number is in window: the connection is aborted. The application sees "connection reset by peer"; a gateway in front reports an upstream reset (Envoy 503 UC).',
  ],
  signatures: [
    {
      kind: 'pcap',
      what: 'A bare RST (flags R, no ACK) from the pre-NAT destination port (the application port rather than 15006/15001, or a pod address where the client used a Service IP), sent within microseconds of a segment whose sequence or acknowledgement number lies outside the window the connection had reached; usually amid retransmissions or duplicate segments. Neither side sent a FIN and the application did not close the socket.',
      example: '10.0.0.2.9000 > 10.0.0.1.41234: Flags [R], seq 1830744969, win 0, length 0',
    },
    {
      kind: 'conntrack-events',
      what: 'The flow is ESTABLISHED and ASSURED when the reset happens: no DESTROY and no NEW for the same client port before it (unlike conntrack-expiry-rebalance). The entry ends only after the reset exchange, or by timeout.',
    },
    {
      kind: 'conntrack-stats',
      what: 'The invalid counter of conntrack -S rises with each stray segment (per-CPU lines, invalid=N).',
      example:
        'cpu=0 found=0 invalid=5127 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0',
    },
    {
      kind: 'iptables-save',
      what: 'nat-table REDIRECT or DNAT for the flow (ISTIO_INBOUND / ISTIO_IN_REDIRECT, KUBE-SVC-* / KUBE-SEP-*) and no rule dropping -m conntrack --ctstate INVALID before the packet can reach a socket (mangle PREROUTING, filter INPUT/FORWARD).',
    },
    {
      kind: 'sysctl',
      what: 'net.netfilter.nf_conntrack_tcp_be_liberal = 0 in the namespace that does the NAT (the pod for a sidecar, the node for kube-proxy).',
    },
    {
      kind: 'dmesg',
      what: 'Only when invalid-packet logging is on (net.netfilter.nf_conntrack_log_invalid=6): lines naming the window check that failed for the flow, such as "SEQ is over the upper bound (over the window of the receiver)" (newer kernels print the bound value).',
    },
    {
      kind: 'envoy-access-log',
      what: 'response_code 503, response_flags UC, response_code_details upstream_reset_before_response_started{connection_termination}; typically a large bytes_received because an upload was in progress.',
    },
    {
      kind: 'envoy-debug-log',
      what: 'The sidecar sees a remote reset while reading (doRead / SSL_read returns an error) on a connection that was moving data normally.',
    },
    {
      kind: 'app-log',
      what: 'ECONNRESET ("read: connection reset by peer") on the client side with no matching error or close on the server application.',
    },
  ],
  affected: {
    kernel:
      'Every kernel with nf_conntrack: be_liberal defaults to 0 everywhere. Since 6.1 conntrack lets some stale segments through (below the window, or overshooting the receive window by at most one window) instead of marking them INVALID, so fewer cases trigger it; segments beyond the upper bound are still INVALID.',
    istio:
      'Every version that intercepts with iptables REDIRECT. Istio 1.13 added an opt-in INVALID drop rule for the sidecar init (proxy metadata INVALID_DROP, istio/istio PR #36566; istio-cni support in PR #36667). It is off by default.',
    other: [
      'kube-proxy iptables mode drops INVALID packets in its KUBE-FORWARD chain since kubernetes PR #74840 (2019); since PR #120412 it leaves that rule out when be_liberal=1. The nftables mode never adds it (PR #122663); kube-proxy can set be_liberal itself with --conntrack-tcp-be-liberal (PR #120354).',
      'Any home-made DNAT/REDIRECT (service meshes other than Istio, transparent proxies) without an INVALID drop rule.',
    ],
  },
  sysctls: [
    {
      key: 'net.netfilter.nf_conntrack_tcp_be_liberal',
      default: '0',
      role: 'At 0, out-of-window segments are INVALID and skip NAT. At 1 only out-of-window RSTs are INVALID; everything else stays tracked and translated. Per network namespace.',
    },
    {
      key: 'net.netfilter.nf_conntrack_log_invalid',
      default: '0',
      role: 'Set to 6 (TCP) on a live host to have the kernel log every INVALID TCP packet with the failed check: the quickest proof while it happens.',
    },
    {
      key: 'net.netfilter.nf_conntrack_tcp_loose',
      default: '1',
      role: 'Not the cause, but with 0 every mid-stream segment after a conntrack flush or restart also becomes INVALID and hits the same path.',
    },
  ],
  remediation: [
    {
      id: 'drop-invalid',
      title: 'Drop INVALID packets before they can reach a socket',
      steps: [
        {
          label: 'In the pod network namespace (sidecar case) or on the node (Service NAT)',
          language: 'shell',
          code: 'iptables -t mangle -I PREROUTING -m conntrack --ctstate INVALID -j DROP\nip6tables -t mangle -I PREROUTING -m conntrack --ctstate INVALID -j DROP',
        },
      ],
      tradeoffs: [
        'The stray segment is lost instead of answered; TCP recovers it by retransmission, so the connection survives at the cost of one retransmit.',
        'It drops every INVALID packet, including legitimate ones conntrack misjudges: on multi-homed, anycast or asymmetrically routed nodes such traffic now stalls instead of resetting (kubernetes issues #94861 and #117924 are this side effect of the kube-proxy rule).',
        'Rules written by hand are lost when the CNI or the sidecar init rewrites iptables; in a mesh prefer the Istio option below.',
      ],
      whatIf: {
        addRules: [
          { table: 'mangle', line: '-I PREROUTING -m conntrack --ctstate INVALID -j DROP' },
        ],
      },
    },
    {
      id: 'istio-invalid-drop',
      title: 'Istio: have the sidecar init install the INVALID drop rule',
      steps: [
        {
          label: 'Mesh-wide (IstioOperator); pods pick it up when they restart',
          language: 'yaml',
          code: 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  meshConfig:\n    defaultConfig:\n      proxyMetadata:\n        INVALID_DROP: "true"',
        },
        {
          label: 'Or for one workload (pod template annotation)',
          language: 'yaml',
          code: 'metadata:\n  annotations:\n    proxy.istio.io/config: |\n      proxyMetadata:\n        INVALID_DROP: "true"',
        },
        {
          label: 'Check that the rule really landed in the pod',
          language: 'shell',
          code: "kubectl logs <pod> -c istio-init | grep -- '--ctstate INVALID'\n# with istio-cni: nsenter -t <pid> -n iptables-save -t mangle | grep INVALID",
        },
      ],
      tradeoffs: [
        'Same effect and side effects as the plain drop rule, but managed by Istio and present in every new pod.',
        'Only pods started after the change get the rule.',
        'The variable has been reported under several spellings across 1.13 patch releases and istio-cni (INVALID_DROP, ISTIO_META_INVALID_DROP, DROP_INVALID): trust the iptables-save of the pod, not the config.',
      ],
      whatIf: {
        addRules: [
          { table: 'mangle', line: '-I PREROUTING -m conntrack --ctstate INVALID -j DROP' },
        ],
      },
    },
    {
      id: 'be-liberal',
      title: 'Make conntrack liberal about windows',
      steps: [
        {
          label: 'In the namespace that does the NAT',
          language: 'shell',
          code: "sysctl -w net.netfilter.nf_conntrack_tcp_be_liberal=1\necho 'net.netfilter.nf_conntrack_tcp_be_liberal = 1' > /etc/sysctl.d/90-conntrack-liberal.conf",
        },
        {
          label:
            'Per pod (kubelet must allow it: --allowed-unsafe-sysctls=net.netfilter.nf_conntrack_tcp_be_liberal)',
          language: 'yaml',
          code: 'spec:\n  securityContext:\n    sysctls:\n      - name: net.netfilter.nf_conntrack_tcp_be_liberal\n        value: "1"',
        },
      ],
      tradeoffs: [
        "Conntrack stops policing sequence numbers in that namespace: out-of-window segments are translated and delivered, and the endpoint's own TCP discards them. A firewall that relied on conntrack's window check against blind injection loses it.",
        'Out-of-window RSTs are still INVALID, so this does not help ephemeral-port-collision-challenge-ack.',
        'kube-proxy (from PR #120412) leaves out its INVALID drop rule once this is set, which is what multi-homed clusters want.',
      ],
      whatIf: { settings: { 'net.netfilter.nf_conntrack_tcp_be_liberal': '1' } },
    },
  ],
  verification: [
    'Re-run the failing workload (a loop of large uploads): no "connection reset by peer" and no Envoy 503 UC.',
    'With a drop rule: `iptables -t mangle -vnL PREROUTING` shows the INVALID rule counting packets; each hit is a reset that did not happen.',
    'Capture on the pod interface: no bare RST from the application port (`tcpdump -ni eth0 "tcp[tcpflags] & tcp-rst != 0 and src port 9000"`).',
    'conntrack -S invalid may keep rising (the segments are still INVALID); the RST is what must disappear.',
    'Offline: `npx netmortem simulate <bundle> --format json --what-if net.netfilter.nf_conntrack_tcp_be_liberal=1` lists the RST under noLongerHappens.',
  ],
  references: [
    {
      title:
        'Kubernetes blog: kube-proxy Subtleties: Debugging an Intermittent Connection Reset (2019-03-29)',
      url: 'https://kubernetes.io/blog/2019/03/29/kube-proxy-subtleties-debugging-an-intermittent-connection-reset/',
    },
    {
      title: 'kubernetes/kubernetes PR #74840: kube-proxy: Drop packets in INVALID state',
      url: 'https://github.com/kubernetes/kubernetes/pull/74840',
    },
    {
      title: 'kubernetes/kubernetes PR #120412: only drop invalid cstate packets if non liberal',
      url: 'https://github.com/kubernetes/kubernetes/pull/120412',
    },
    {
      title:
        'kubernetes/kubernetes PR #122663: pkg/proxy/nftables: drop conntrack state invalid rule',
      url: 'https://github.com/kubernetes/kubernetes/pull/122663',
    },
    {
      title:
        'istio/istio PR #36566: Drop packets in INVALID state to avoid intermittent connection reset from sidecar',
      url: 'https://github.com/istio/istio/pull/36566',
    },
    {
      title: 'istio/istio PR #36667: Added flag to enable capture of invalid drop into CNI',
      url: 'https://github.com/istio/istio/pull/36667',
    },
    {
      title: 'Istio 1.13 change notes',
      url: 'https://istio.io/latest/news/releases/1.13.x/announcing-1.13/change-notes/',
    },
    {
      title: 'Linux kernel documentation: netfilter conntrack sysctls',
      url: 'https://docs.kernel.org/networking/nf_conntrack-sysctl.html',
    },
    {
      title:
        'eBay: intermittent resets through the Istio ingress gateway traced to INVALID out-of-window packets (seed 001)',
    },
  ],
  lab: {
    description:
      'A client segment far outside the tracked window (be_liberal=0, no INVALID drop rule) is marked INVALID and never seen by the nat table: in a sidecar pod it misses the REDIRECT and reaches the application listener, on a NodePort it misses the DNAT and reaches the node itself. Either answers with a bare RST the client accepts, so the client reads "connection reset by peer" while the proxy or backend socket stays ESTABLISHED. The stray segment is produced by an nft rule in the client namespace that moves one segment 1 GiB ahead, standing in for a middlebox or offload bug.',
    variants: [
      'sidecar-redirect-full-artifacts: pod namespace with REDIRECT 8080 -> 15006 and no INVALID drop; full capture, conntrack -E -o timestamp, conntrack -L/-S, ss and nstat in the pod',
      'nodeport-dnat-client-capture: NodePort DNAT on a node router, the RST comes from the node stack (no listener); client-side capture (snaplen 256), conntrack -S, rules, dmesg -T, client log; no events, no ss',
    ],
    kernelNotes: [
      'On this kernel (6.18) a segment far behind the window, such as an old retransmission, is not INVALID: conntrack accepts it without updating state, NAT still applies and the proxy answers with a duplicate ACK. Only a segment ahead of the window reproduces the reset, which is why the lab moves one forward.',
    ],
  },
  seeds: ['001'],
};
