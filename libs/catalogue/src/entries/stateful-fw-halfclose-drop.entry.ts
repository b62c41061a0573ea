import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'stateful-fw-halfclose-drop',
  title: 'Stateful firewall rejects a half-closed flow once its conntrack entry is gone',
  summary:
    'After one side has sent its FIN, conntrack keeps the flow only for the short closing-state timeouts (CLOSE_WAIT 60 s, FIN_WAIT 120 s); when the still-open direction pauses longer, the entry expires, the next inbound segment is no longer ESTABLISHED, and a firewall that accepts only ctstate ESTABLISHED,RELATED rejects it with ICMP port unreachable from the node, so the transfer hangs.',
  symptoms: [
    'Downloads and clones (git, svn, rsync, database dumps) from inside a pod hang part-way and never finish, while the same command on the node works',
    'Reproducible but not constant: roughly one attempt in ten hangs for a given workload, typically after the server paused (computing a pack, waiting on disk)',
    'At the hang the client receives nothing more; a capture inside the pod shows no retransmissions arriving',
    'The node, neither client nor server, sends ICMP port unreachable to the server; a capture filtered on client and server addresses misses it because its source is the node',
  ],
  mechanism: [
    'Traffic into the pod (or host) passes a stateful filter: FORWARD or INPUT accepts -m conntrack --ctstate ESTABLISHED,RELATED and rejects the rest (-j REJECT --reject-with icmp-port-unreachable). Only outbound connections are opened.',
    'The protected side half-closes first: the client sends its request and calls shutdown(SHUT_WR) (git, rsync, netcat-style tools and some RPC clients do), or one side closes while the other still has data to send.',
    'Conntrack moves the entry to FIN_WAIT on the FIN and to CLOSE_WAIT once the FIN is acknowledged; its timer becomes nf_conntrack_tcp_timeout_close_wait (60 s) instead of the days an ESTABLISHED entry gets.',
    'Each segment re-arms that timer, so the flow is safe while data keeps coming. A pause in the open direction longer than the closing-state timeout lets the entry expire.',
    'The next inbound segment finds no entry. A plain ACK or data segment is picked up as a new connection (ctstate NEW); a FIN or RST, or any segment when nf_conntrack_tcp_loose=0, is INVALID. Neither matches ESTABLISHED,RELATED.',
    "The segment falls through to the REJECT rule: the node drops it and sends ICMP port unreachable, sourced from the node's own address, back to the server (with a DROP rule or policy it vanishes silently). The rejected packet is never confirmed, so every retransmission repeats the same path.",
    'Linux treats ICMP port unreachable on an established connection as a soft error: the server keeps retransmitting with exponential backoff into the same REJECT. The half-closed client cannot send data to re-create the entry, so the transfer hangs until an application timeout or tcp_retries2 (about 15 minutes) ends it.',
  ],
  signatures: [
    {
      kind: 'iptables-save',
      what: 'A filter chain on the inbound path (FORWARD for pods, INPUT for host processes) with -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT followed by -j REJECT --reject-with icmp-port-unreachable (or a DROP policy), and no ACCEPT for the server address.',
      example:
        '-A FORWARD -d 10.0.1.0/24 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -d 10.0.1.0/24 -j REJECT --reject-with icmp-port-unreachable',
    },
    {
      kind: 'conntrack-events',
      what: "[UPDATE] FIN_WAIT then [UPDATE] CLOSE_WAIT for the flow, then [DESTROY] one closing-state timeout after the last update while the connection is still in use; no [NEW] follows for the server's later segments (they are rejected before confirmation).",
    },
    {
      kind: 'pcap',
      what: "On the node or uplink: ICMP type 3 code 3 (port unreachable) from the node's address to the server, quoting the server's TCP segment; the server retransmits that segment with doubling gaps. Inside the pod: silence after the FIN exchange. The pause before the first rejected segment is longer than the closing-state timeout in the bundle.",
      example: 'IP 10.0.0.10 > 10.0.5.20: ICMP 10.0.1.7 tcp port 52144 unreachable, length 68',
    },
    {
      kind: 'sysctl',
      what: 'nf_conntrack_tcp_timeout_close_wait (60) and nf_conntrack_tcp_timeout_fin_wait (120) at defaults or lower; compare with the pause seen in the capture.',
    },
    {
      kind: 'ss',
      what: 'Client: FIN-WAIT-2 (it half-closed) waiting for data with nothing arriving. Server: CLOSE-WAIT with unacknowledged data, retransmit timer on and a growing retrans count.',
    },
    {
      kind: 'net-counters',
      what: 'On the node: IcmpOutDestUnreachs (and IcmpMsgOutType3) rising. On the server: TcpRetransSegs rising and IcmpInDestUnreachs rising.',
    },
    {
      kind: 'app-log',
      what: 'The client hangs without an error until its own timeout ("early EOF", "unexpected disconnect", read timeout); the server eventually logs a write timeout or a connection error.',
    },
  ],
  affected: {
    kernel:
      'All kernels; the closing-state timeouts (FIN_WAIT 120 s, CLOSE_WAIT 60 s, LAST_ACK 30 s) are long-standing defaults.',
    other: [
      'Any firewall written as "accept ESTABLISHED,RELATED, reject the rest": hand-made node rules on multi-tenant container platforms, host firewalls with default-deny inbound.',
    ],
  },
  sysctls: [
    {
      key: 'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
      default: '60',
      role: 'Lifetime of the entry after one FIN was acknowledged; a pause longer than this in the open direction ends the entry.',
    },
    {
      key: 'net.netfilter.nf_conntrack_tcp_timeout_fin_wait',
      default: '120',
      role: 'Lifetime of the entry after a FIN before its acknowledgement is seen.',
    },
    {
      key: 'net.netfilter.nf_conntrack_tcp_timeout_last_ack',
      default: '30',
      role: 'Lifetime after both FINs; matters when the second FIN is followed by late data.',
    },
    {
      key: 'net.netfilter.nf_conntrack_tcp_be_liberal',
      default: '0',
      role: 'At 0 an out-of-window segment after the close started is INVALID and rejected the same way, without any expiry.',
    },
  ],
  remediation: [
    {
      id: 'accept-trusted-servers',
      title: "Accept the servers' traffic explicitly",
      steps: [
        {
          label: 'Before the REJECT rule; addresses are the servers the pods talk to',
          language: 'shell',
          code: 'iptables -I FORWARD -s 10.20.0.0/16 -d 10.0.1.0/24 -p tcp -j ACCEPT',
        },
      ],
      tradeoffs: [
        'Those servers may now also open new connections into the pods; acceptable for trusted internal services (what the team in seed 002 did), not for arbitrary peers.',
      ],
    },
    {
      id: 'raise-closing-timeouts',
      title: 'Keep closing-state entries as long as half-closed transfers can pause',
      steps: [
        {
          language: 'shell',
          code: 'sysctl -w net.netfilter.nf_conntrack_tcp_timeout_close_wait=3600\nsysctl -w net.netfilter.nf_conntrack_tcp_timeout_fin_wait=3600',
        },
      ],
      tradeoffs: [
        'Half-closed and abandoned flows occupy entries for up to an hour: watch nf_conntrack_count against nf_conntrack_max.',
        'A pause longer than the new value still hangs.',
      ],
      whatIf: {
        settings: {
          'net.netfilter.nf_conntrack_tcp_timeout_close_wait': '3600',
          'net.netfilter.nf_conntrack_tcp_timeout_fin_wait': '3600',
        },
      },
    },
    {
      id: 'keepalive-half-closed',
      title: 'Enable TCP keepalive on the half-closed socket, shorter than the closing timeout',
      steps: [
        {
          label:
            'Client socket options (Linux sends probes in FIN-WAIT-2 for sockets the application still holds)',
          language: 'text',
          code: 'SO_KEEPALIVE=1, TCP_KEEPIDLE=30, TCP_KEEPINTVL=10, TCP_KEEPCNT=3',
        },
      ],
      tradeoffs: [
        'Needs a change in the client program (git, rsync and friends do not expose it); the probes refresh the entry only while they flow.',
      ],
      whatIf: {
        keepalive: {
          side: 'client',
          everySec: 30,
          shorterThan: 'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
        },
      },
    },
  ],
  verification: [
    'Repeat the workload (e.g. 20 clones in a loop): none hangs.',
    'On the node: the REJECT rule counter in `iptables -vnL FORWARD` stops rising during transfers and `nstat -az IcmpOutDestUnreachs` stays flat.',
    'conntrack -E -o timestamp: no [DESTROY] of a flow while it still carries data.',
  ],
  references: [
    {
      title:
        'Tencent: container firewall state causes packet drops, traced with a systemtap dropwatch (seed 002)',
    },
    {
      title: 'Linux kernel documentation: netfilter conntrack sysctls',
      url: 'https://docs.kernel.org/networking/nf_conntrack-sysctl.html',
    },
    {
      title: 'iptables-extensions(8): conntrack match (--ctstate) and REJECT target',
      url: 'https://ipset.netfilter.org/iptables-extensions.man.html',
    },
  ],
  lab: {
    description:
      'A node forwards with "ctstate RELATED,ESTABLISHED accept, new SYNs to the service accept, else REJECT or DROP". One side half-closes; conntrack moves the entry to CLOSE_WAIT, whose timeout (shrunk to 1-2 s) ends long before the application is done. The next segment finds no entry: it is NEW but not a SYN, so the last rule rejects it with ICMP port unreachable (or drops it); every retransmission meets the same fate and the other side waits until it times out.',
    variants: [
      'server-fin-reject-client-capture: the server half-closes first, CLOSE_WAIT timeout 2 s, REJECT icmp-port-unreachable; client capture, nstat and client log, node conntrack -E -o timestamp, -S, iptables-save -c, sysctl',
      'client-fin-drop-node-view: the client half-closes first, the answer comes after 2.5 s, CLOSE_WAIT timeout 1 s, DROP; node-side capture (snaplen 256), conntrack -L/-S, rules, server ss, server and client logs; no events',
    ],
  },
  seeds: ['002'],
};
