import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'tls-close-notify-unread-rst',
  title: 'Close with unread data turns FIN into RST (TLS close_notify)',
  summary:
    'A peer closes its socket while bytes it never read (for example a TLS close_notify alert) sit in its receive buffer; the kernel then sends a RST instead of a FIN, which breaks relays such as kubectl port-forward (client-go 0.23 and later end the session with "lost connection to pod").',
  symptoms: [
    '`kubectl port-forward` exits with "lost connection to pod" just after a client disconnects, preceded by "an error occurred forwarding ... read: connection reset by peer"',
    'Integration tests that reach a database or HTTPS service through port-forward start failing after an upgrade of kubectl or k8s.io/client-go past 1.22 / v0.22, with no change on the server',
    'Every disconnect of a TLS client (psql with sslmode, HTTPS clients) ends with a RST instead of a FIN; direct clients shrug it off, relays and proxies log resets',
    'For servers that close idle keep-alive connections themselves, only now and then: when the client answers the close before the server has finished closing',
  ],
  mechanism: [
    'TLS announces the end of a session with a close_notify alert, a small record (TLS 1.3 encrypts it, so on the wire it looks like a short application-data record). Many implementations send theirs and close the socket without waiting for the answer.',
    'The other side answers with its own close_notify, or had already sent a final message (the PostgreSQL Terminate message plus close_notify) that the closing process never reads.',
    'When a process calls close() (or exits) with unread bytes in the receive buffer, Linux discards them and sends a RST instead of a FIN, to tell the peer that data was lost (RFC 1122 4.2.2.13, RFC 2525 2.17). Bytes arriving after the close are answered with a RST too.',
    'A direct client has usually closed already and ignores the RST. A relay does not: kubelet reads the pod-side socket for port-forward and gets ECONNRESET.',
    'Since kubectl/client-go 1.23 (kubernetes PR #103526) an error on the pod-side connection ends the whole port-forward session ("lost connection to pod"); earlier versions logged the error and kept forwarding.',
    "With keep-alive servers (APISIX/nginx-style keepalive_timeout) it is a race: the server sends close_notify, the client's close_notify arrives before the server's close() runs (likely at low latency), and that close finds unread data.",
  ],
  signatures: [
    {
      kind: 'pcap',
      what: 'The closing side ends with RST+ACK (flags R.) and no FIN; the segment just before it, from the other side, carried a few dozen bytes (a TLS record) that the closing host acknowledged but its application never read. Or: one side sends FIN, the other sends a short record afterwards, and the first answers with a bare RST.',
      example:
        '10.1.0.9.40112 > 10.1.0.5.5432: Flags [P.], seq 2201:2225, ack 3310, length 24\n10.1.0.5.5432 > 10.1.0.9.40112: Flags [P.], seq 3310:3334, ack 2225, length 24\n10.1.0.5.5432 > 10.1.0.9.40112: Flags [R.], seq 3334, ack 2225, length 0',
    },
    {
      kind: 'app-log',
      what: 'kubectl / client-go: "an error occurred forwarding <local> -> <remote>: ... read: connection reset by peer" followed by "lost connection to pod"; other relays: ECONNRESET on the server-side socket at disconnect time.',
      example:
        'E0301 12:00:01.000100 portforward.go:409] an error occurred forwarding 15432 -> 5432: error forwarding port 5432 to pod 1f2e..., uid : read tcp4 127.0.0.1:40112->127.0.0.1:5432: read: connection reset by peer\nE0301 12:00:01.000400 portforward.go:234] lost connection to pod',
    },
    {
      kind: 'strace',
      what: "The closing process calls sendto() with its close_notify and then close() or exit_group() with no recvfrom() for the peer's last record.",
    },
    {
      kind: 'net-counters',
      what: 'On the closing host, TcpExtTCPAbortOnClose rises by one per occurrence (close with unread data); TcpExtTCPAbortOnData when data arrived after the close.',
    },
    {
      kind: 'ss',
      what: 'The connection disappears without a TIME-WAIT socket on the closing side (an abortive close skips TIME-WAIT).',
    },
  ],
  affected: {
    kernel:
      'All Linux kernels and most TCP stacks: RFC 1122 says a TCP SHOULD reset a connection closed with unread data, and Linux always does.',
    clientGo:
      'k8s.io/client-go v0.23 and later (kubectl 1.23+) end a port-forward session on a pod-side error (kubernetes PR #103526); the seed met it when moving from v0.22.4 to v0.24.0. Still discussed in kubernetes/kubectl#1169 and kubernetes/kubernetes#111825.',
    other: [
      "PostgreSQL with TLS: a backend process exits after the client's Terminate message without reading the client's close_notify.",
      'APISIX and other servers closing idle TLS keep-alive connections (60 s keepalive_timeout in the seed).',
    ],
  },
  sysctls: [],
  remediation: [
    {
      id: 'drain-before-close',
      title: 'Read until EOF before closing (on the side that closes)',
      steps: [
        {
          language: 'text',
          code: 'After sending close_notify, shut the write side (shutdown(SHUT_WR)) and read until EOF or a short timeout, then close().\nOpenSSL: call SSL_shutdown() again until it returns 1 (bidirectional shutdown).\nGo: tls.Conn.CloseWrite(), then read until io.EOF with a deadline, then Close().',
        },
      ],
      tradeoffs: [
        'Needs a change in the server, often third-party software; each close can take up to the drain timeout.',
      ],
    },
    {
      id: 'client-closes-first',
      title: 'Let the client close idle connections before the server does',
      steps: [
        {
          label: 'Client idle timeout below the server keep-alive timeout (example: server 60 s)',
          language: 'text',
          code: 'Go: &http.Transport{IdleConnTimeout: 50 * time.Second}\nGeneric pool: max idle time = server idle timeout minus a margin larger than the worst round trip',
        },
      ],
      tradeoffs: [
        'Only removes the keep-alive race; the PostgreSQL case still ends in a RST at every disconnect.',
        'More reconnects and TLS handshakes for sporadic traffic.',
      ],
    },
    {
      id: 'keep-connections-open',
      title: 'Keep pooled connections open for the life of the test run (workaround)',
      steps: [
        {
          language: 'text',
          code: 'Raise the client pool idle timeout above the test duration (e.g. pgx/database/sql: no max idle time) so no connection closes mid-run.',
        },
      ],
      tradeoffs: [
        'Hides the problem instead of fixing it: the final disconnect still kills the port-forward.',
      ],
    },
    {
      id: 'avoid-port-forward',
      title: 'Reach the service without port-forward in tests',
      steps: [
        {
          language: 'text',
          code: 'kind: expose the service with a NodePort and extraPortMappings, or run the test binary inside the cluster.',
        },
      ],
      tradeoffs: ['More setup; removes the relay that turns a RST into a dead session.'],
    },
  ],
  verification: [
    "Capture on the server port while a client disconnects: the server's last segment is a FIN and its socket goes through TIME-WAIT; no R. flags.",
    '`nstat -az TcpExtTCPAbortOnClose` on the server stays flat during a loop of connects and disconnects.',
    'kubectl port-forward survives 100 connect/disconnect cycles.',
  ],
  references: [
    {
      title:
        'kubernetes/kubernetes PR #103526: the change that ends port-forward when the pod-side stream fails (discussed in kubectl#1169)',
      url: 'https://github.com/kubernetes/kubernetes/pull/103526',
    },
    {
      title: 'kubernetes/kubectl#1169: Port-forward drops connection to pod after first connection',
      url: 'https://github.com/kubernetes/kubectl/issues/1169',
    },
    {
      title: 'kubernetes/kubernetes#111825: port-forward closed on specific postgres command',
      url: 'https://github.com/kubernetes/kubernetes/issues/111825',
    },
    {
      title: 'RFC 1122 section 4.2.2.13: closing a connection with pending data',
      url: 'https://www.rfc-editor.org/rfc/rfc1122',
    },
    {
      title: 'RFC 2525 section 2.17: failure to RST on close with data pending',
      url: 'https://www.rfc-editor.org/rfc/rfc2525',
    },
    {
      title: 'RFC 8446 section 6.1: closure alerts (TLS 1.3)',
      url: 'https://www.rfc-editor.org/rfc/rfc8446',
    },
    {
      title:
        'Port-forward failures traced to PostgreSQL and APISIX TLS close_notify resets (seed 004)',
    },
  ],
  lab: {
    description:
      'A server closes a connection while bytes it never read sit in its receive buffer; the kernel sends a RST instead of a FIN and the peer reads "connection reset by peer". The TLS variant puts a TLS server on 127.0.0.1:5432 in a pod that closes idle connections the way a C server does (SSL_shutdown() then close()), with the gap widened to 100 ms so the client\'s answering close_notify is always in the buffer (in production it wins a microsecond race now and then); its peer is a relay standing in for the kubelet end of kubectl port-forward, which logs the reset and "lost connection to pod" and ends the forward. The plain variant is a TCP server behind a node DNAT that stops reading after one reply and closes with the client\'s "QUIT" unread.',
    variants: [
      'port-forward-tls-lo-capture: workstation -> relay in the pod -> TLS server on 127.0.0.1:5432; idle close_notify then close() 100 ms later; capture on the pod lo, ss, port-forward, client and server logs; no conntrack',
      'plain-tcp-unread-quit-node-dnat: client -> node DNAT -> server; the server stops reading after one reply and closes 150 ms later with QUIT unread; client capture (snaplen 256), node conntrack -E without timestamps, conntrack -L, iptables-save, client and server logs',
    ],
  },
  seeds: ['004'],
};
