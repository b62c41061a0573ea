import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'pmtu-blackhole',
  title: 'Path MTU black hole: large segments vanish because "fragmentation needed" never arrives',
  summary:
    'A hop on the path carries smaller packets than the endpoints assume (overlay or VPN encapsulation, jumbo frames meeting a 1500-byte link); TCP sends with Don\'t Fragment set, the router that cannot forward a full-size segment answers with ICMP "fragmentation needed" (ICMPv6 "packet too big"), a filter drops that answer, and the sender never lowers its segment size: handshakes and small requests work, large transfers stall with the same full-size segment retransmitted until a timeout.',
  symptoms: [
    'Connections open and small requests work, but large responses, uploads, TLS handshakes with big certificate chains or `git clone` hang and then time out',
    '`curl` of a small page succeeds; the same request for a large file stalls right after the headers',
    'Only on some paths: between clusters, across a VPN or peering link, from pods but not from the node (overlay overhead)',
    'Small pings work, `ping -M do -s 1472 <peer>` (or -s 8972 with jumbo frames) gets no answer',
  ],
  mechanism: [
    "Each side announces an MSS derived from its own interface MTU in the handshake (1460 for 1500, 8961 for a 9001-byte cloud MTU), and Linux sends TCP with the Don't Fragment bit set (path MTU discovery).",
    'A link on the path is smaller: overlay encapsulation (VXLAN or Geneve +50 bytes, IPIP +20, WireGuard +60 or +80), a VPN tunnel, a 1500-byte hop after jumbo frames.',
    'The router in front of that link must drop a too-large DF packet and answer ICMP type 3 code 4 ("fragmentation needed", carrying the next-hop MTU); for IPv6, ICMPv6 type 2 "packet too big" (IPv6 routers never fragment).',
    'That ICMP never reaches the sender: a firewall or cloud security group drops ICMP, a stateful rule accepts ESTABLISHED but not RELATED, the router itself filters what it emits, or NAT does not translate the error back to the pod.',
    'The sender keeps retransmitting the same full-size segment with exponential backoff. Small packets (handshake, ACKs, short requests) still pass, so the connection looks alive.',
    'With net.ipv4.tcp_mtu_probing=0 (default) nothing recovers the flow: it dies after net.ipv4.tcp_retries2 (about 15 minutes) or an application timeout. With 1, Linux suspects a black hole after repeated timeouts, falls back towards net.ipv4.tcp_base_mss and probes upward, so the transfer resumes after a stall.',
    'When an ICMP does get through, the learnt path MTU is cached per destination for net.ipv4.route.mtu_expires (600 s), which makes the problem come and go.',
  ],
  signatures: [
    {
      kind: 'pcap',
      what: 'Handshake with MSS options larger than the path allows; small segments acknowledged; then a segment of full MSS size retransmitted with doubling gaps and never acknowledged (the receiver keeps acknowledging the byte before it), and no ICMP type 3 code 4 or ICMPv6 type 2 arriving at the sender. A capture on the sender may show segments larger than the MTU because of TSO/GSO: judge by what the receiver acknowledges. A capture near the narrow hop shows the ICMP the sender never gets.',
      example:
        'IP 10.0.0.5.443 > 10.8.0.9.51200: Flags [.], seq 1449:2897, ack 518, length 1448\nIP 10.0.0.5.443 > 10.8.0.9.51200: Flags [.], seq 1449:2897, ack 518, length 1448',
    },
    {
      kind: 'ss',
      what: 'ss -tie on the sender: mss:1448 (or larger) with pmtu:1500 unchanged, retrans:N/M growing, backoff rising, unacked segments outstanding.',
    },
    {
      kind: 'net-counters',
      what: 'TcpRetransSegs and TcpExtTCPTimeouts rising on the sender while IcmpInDestUnreachs (Icmp6InPktTooBigs for IPv6) does not; on the router in front of the narrow link IcmpOutDestUnreachs or Icmp6OutPktTooBigs rises.',
    },
    {
      kind: 'sysctl',
      what: 'net.ipv4.tcp_mtu_probing = 0, net.ipv4.ip_no_pmtu_disc = 0 (DF set) on the sender.',
    },
    {
      kind: 'iptables-save',
      what: 'Rules dropping ICMP on the sender or on a router of the path: -p icmp -j DROP, -p icmp --icmp-type 3/4 -j DROP, ip6tables -p ipv6-icmp --icmpv6-type packet-too-big -j DROP, or a DROP policy that accepts --ctstate ESTABLISHED without RELATED; no TCPMSS clamping on the tunnel.',
    },
    {
      kind: 'app-log',
      what: 'Read timeouts, TLS handshake timeouts ("net/http: TLS handshake timeout"), stalled downloads; never "connection refused".',
    },
  ],
  affected: {
    kernel:
      'All kernels. Linux sets DF on TCP and relies on ICMP unless net.ipv4.tcp_mtu_probing is enabled (0 = off, the default; 1 = only after a black hole is suspected; 2 = always).',
    other: [
      'Encapsulation overhead: VXLAN 50 bytes (Flannel, Calico VXLAN and many CNIs), Geneve 50 or more, IPIP 20, WireGuard 60 over IPv4 and 80 over IPv6.',
      'AWS: 9001-byte MTU inside a VPC but 1500 through VPN, internet gateways and inter-region peering (aws/amazon-vpc-cni-k8s#356).',
      'CNI datapaths that drop or do not return ICMP errors: cilium/cilium#26193 (frag-needed dropped by policy), projectcalico/calico#8854 (eBPF mode).',
    ],
  },
  sysctls: [
    {
      key: 'net.ipv4.tcp_mtu_probing',
      default: '0',
      role: 'At 0 TCP depends entirely on ICMP to learn the path MTU; at 1 it falls back to a smaller MSS after suspecting a black hole. Per network namespace.',
    },
    {
      key: 'net.ipv4.tcp_base_mss',
      default: '1024',
      role: 'MSS that MTU probing starts from after a black hole is suspected.',
    },
    {
      key: 'net.ipv4.ip_no_pmtu_disc',
      default: '0',
      role: 'At 0 TCP packets carry DF and wait for ICMP; changing it is not a fix for TCP.',
    },
    {
      key: 'net.ipv4.route.mtu_expires',
      default: '600',
      role: 'Seconds a learnt path MTU stays cached: one ICMP that gets through hides the black hole for ten minutes.',
    },
    {
      key: 'net.ipv4.route.min_pmtu',
      default: '552',
      role: 'Smallest path MTU the kernel accepts from an ICMP message.',
    },
    {
      key: 'net.ipv4.tcp_retries2',
      default: '15',
      role: 'Retransmissions before an established connection is given up (about 15 minutes).',
    },
  ],
  remediation: [
    {
      id: 'allow-frag-needed',
      title: 'Let "fragmentation needed" and "packet too big" through',
      steps: [
        {
          label: 'On hosts and routers of the path',
          language: 'shell',
          code: 'iptables -I INPUT -p icmp --icmp-type fragmentation-needed -j ACCEPT\niptables -I FORWARD -p icmp --icmp-type fragmentation-needed -j ACCEPT\niptables -I OUTPUT -p icmp --icmp-type fragmentation-needed -j ACCEPT\nip6tables -I INPUT -p ipv6-icmp --icmpv6-type packet-too-big -j ACCEPT\nip6tables -I FORWARD -p ipv6-icmp --icmpv6-type packet-too-big -j ACCEPT\nip6tables -I OUTPUT -p ipv6-icmp --icmpv6-type packet-too-big -j ACCEPT',
        },
        {
          language: 'text',
          code: 'Cloud: allow ICMP type 3 code 4 (and ICMPv6 type 2) in security groups and network ACLs. Stateful rules: accept --ctstate RELATED as well as ESTABLISHED (the ICMP error is RELATED to the flow).',
        },
      ],
      tradeoffs: [
        'Needs control of every filter on the path; middleboxes owned by others may still drop it.',
      ],
    },
    {
      id: 'clamp-mss',
      title: 'Clamp the TCP MSS where the path narrows',
      steps: [
        {
          label: 'On the tunnel endpoint or gateway',
          language: 'shell',
          code: 'iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu\n# or a fixed value for a known path MTU of 1400:\niptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1360',
        },
      ],
      tradeoffs: [
        'TCP only: UDP and QUIC still hit the black hole.',
        '--clamp-mss-to-pmtu uses the MTU of the outgoing route, so the tunnel MTU must be right; otherwise set the value explicitly.',
      ],
    },
    {
      id: 'correct-mtu',
      title: 'Set the interface or CNI MTU to the real path MTU',
      steps: [
        {
          language: 'text',
          code: 'Calico: veth_mtu in the calico-config ConfigMap; Cilium: --mtu; Flannel derives it from the uplink minus the backend overhead.\nManual check and fix: ip link set dev eth0 mtu 1450',
        },
      ],
      tradeoffs: [
        'Pods must be recreated to pick up a new MTU; a smaller MTU costs a few percent of throughput.',
      ],
    },
    {
      id: 'mtu-probing',
      title: 'Let TCP detect black holes itself (workaround)',
      steps: [
        {
          label: 'On the sending side, per network namespace',
          language: 'shell',
          code: 'sysctl -w net.ipv4.tcp_mtu_probing=1\nsysctl -w net.ipv4.tcp_base_mss=1024',
        },
      ],
      tradeoffs: [
        'Recovers only after several retransmission timeouts: every new connection that meets the black hole stalls first.',
        'Must be set in every pod namespace that sends large data; UDP is not helped.',
      ],
    },
  ],
  verification: [
    '`ping -M do -s <path MTU - 28> <peer>` gets answers, or the ICMP arrives and `ip route get <peer>` shows a cached "mtu N".',
    'A large transfer completes; the capture shows no repeated full-size retransmissions.',
    'ss -tie shows segments acknowledged, or pmtu/mss lowered to the path value; TcpRetransSegs back to its baseline.',
  ],
  references: [
    { title: 'RFC 1191: Path MTU Discovery', url: 'https://www.rfc-editor.org/rfc/rfc1191' },
    {
      title: 'RFC 8201: Path MTU Discovery for IP version 6',
      url: 'https://www.rfc-editor.org/rfc/rfc8201',
    },
    {
      title: 'RFC 4821: Packetization Layer Path MTU Discovery',
      url: 'https://www.rfc-editor.org/rfc/rfc4821',
    },
    {
      title: 'Cloudflare blog: Path MTU discovery in practice (2015)',
      url: 'https://blog.cloudflare.com/path-mtu-discovery-in-practice/',
    },
    {
      title: 'Linux kernel documentation: IP sysctls (tcp_mtu_probing, tcp_base_mss)',
      url: 'https://docs.kernel.org/networking/ip-sysctl.html',
    },
    {
      title: 'aws/amazon-vpc-cni-k8s#356 (9001-byte MTU; paths with a lower MTU hang)',
      url: 'https://github.com/aws/amazon-vpc-cni-k8s/issues/356',
    },
    {
      title: 'cilium/cilium#26193 (ICMP need-to-frag dropped by policy)',
      url: 'https://github.com/cilium/cilium/issues/26193',
    },
  ],
  lab: {
    description:
      'Both endpoints have MTU 1500 and announce MSS 1460/1440, but one hop carries only 1280 bytes, as a tunnel or overlay would. The router that cannot forward a full-size segment answers with ICMP type 3 code 4 (IPv4) or ICMPv6 packet too big, and a firewall drops that answer, so the sender never lowers its segment size (tcp_mtu_probing=0). The handshake and the small first request succeed; the large transfer stalls with the same full-size segment retransmitted at growing intervals until the client gives up.',
    variants: [
      'ipv4-narrow-hop-download-server-capture: IPv4, four namespaces, a 1280-byte middle hop whose "frag needed" is dropped in the node OUTPUT chain; server-side capture, server ss/nstat/sysctl/ip, the node iptables and MTUs',
      'ipv6-upload-packet-too-big-dropped-client-capture: IPv6 upload through a router whose egress is 1280; packet-too-big reaches the client and is dropped by its ip6tables INPUT rule; client-side capture (snaplen 256), client ss/nstat/sysctl/ip6tables, client log',
    ],
    kernelNotes: [
      'On this kernel (6.18) with tcp_mtu_probing=0 nothing recovers the flow: the sender keeps its MSS and retransmits the same segment until the application gives up, so the lab stalls for good rather than recovering after a few seconds.',
    ],
  },
  seeds: [],
};
