import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'keepalive-idle-race',
  title: "Reused keep-alive connection races the server's idle timeout",
  summary:
    'The server closes an idle keep-alive connection at its idle timeout just as the client takes it from its pool and sends the next request; the request crosses the FIN, the closed socket answers it with a RST, and the client reports EOF or "connection reset by peer" for a request the server never processed.',
  symptoms: [
    'A trickle of 502/503, "connection reset by peer", "EOF" or "socket hang up" on the first request after a pause, never under steady load',
    "Failures line up with the server's idle timeout: 5 s for Node.js http.Server, 60 s for APISIX and AWS ALB defaults, 75 s for nginx, 1 h for Envoy",
    'Mostly POST/PUT requests surface as errors; clients quietly retry idempotent ones',
    'Envoy logs 503 UC with upstream_reset_before_response_started{connection_termination} a few milliseconds into the request',
  ],
  mechanism: [
    "The client keeps finished HTTP connections in a pool; its idle limit is longer than the server's, or it has none.",
    'The connection stays idle until the server idle timer fires; the server closes it (FIN, preceded by a close_notify with TLS).',
    'Within about one round trip of that close the client takes the connection from the pool and writes a request: either the FIN is still in flight, or it arrived but the pool has not noticed the EOF yet.',
    'The server socket is already closed, so the request bytes are answered with a RST. If the FIN was read first the client sees EOF instead of a response.',
    "The mirror case: the request reached the server's receive buffer, but the server's idle timer fires before it reads it; its close() then finds unread data and sends a RST without any FIN (the kernel rule of tls-close-notify-unread-rst).",
    'The client reports EOF or ECONNRESET for a request the server never processed. Whether it retries depends on the client (idempotent method, replayable body) and on the proxy retry policy.',
  ],
  signatures: [
    {
      kind: 'pcap',
      what: 'A server FIN exactly one server idle timeout after the last exchange on the connection; a client request within about one round trip of that FIN, before or after it; a RST from the server in answer to the request. Or no FIN at all: the request, then a RST+ACK from the server one idle timeout after the previous exchange. The gap matches the same value on every failing connection.',
    },
    {
      kind: 'envoy-access-log',
      what: 'response_flags UC, response_code 503, response_code_details upstream_reset_before_response_started{connection_termination}, duration of a few milliseconds, on a reused upstream connection.',
    },
    {
      kind: 'app-log',
      what: 'Go: "http: server closed idle connection", "EOF" or "read: connection reset by peer"; Node.js: "socket hang up" (ECONNRESET); Java (Apache HttpClient): NoHttpResponseException; Python: RemoteDisconnected.',
    },
    {
      kind: 'ss',
      what: 'Client side: CLOSE-WAIT sockets in the pool (the server closed, the client has not noticed); server side: TIME-WAIT for the connections it closed.',
    },
    {
      kind: 'conntrack-events',
      what: 'On a node that NATs the flow: the entry goes to FIN_WAIT, or to CLOSE on the RST, about one server idle timeout after the previous request and right after a new request on the same tuple.',
    },
  ],
  affected: {
    kernel: 'Not kernel-specific: a race between two application timers.',
    envoy:
      'Upstream idle_timeout (common_http_protocol_options) defaults to 1 h, so Envoy as a client races any upstream with a shorter idle timeout. Envoy retries a reset before headers only when its retry policy covers it (retry_on: reset).',
    istio:
      "DestinationRule connectionPool.http.idleTimeout sets the sidecar's upstream idle timeout (default 1 h).",
    other: [
      'Node.js http.Server keepAliveTimeout defaults to 5 s.',
      'nginx keepalive_timeout defaults to 75 s.',
      'Go net/http DefaultTransport IdleConnTimeout is 90 s.',
    ],
  },
  sysctls: [
    {
      key: 'net.ipv4.tcp_keepalive_time',
      default: '7200',
      role: "Irrelevant to this race: TCP keepalive probes do not reset an HTTP server's idle timer. Listed because it is often changed for this problem by mistake.",
    },
  ],
  remediation: [
    {
      id: 'client-idle-shorter',
      title: "Make the client's idle timeout shorter than the server's",
      steps: [
        {
          label: 'Example for a server that closes after 60 s',
          language: 'text',
          code: 'Go: &http.Transport{IdleConnTimeout: 50 * time.Second}\nAny pool: max idle time = server idle timeout minus a margin larger than the worst round trip',
        },
        {
          label: 'Istio sidecar as the client',
          language: 'yaml',
          code: 'apiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\nmetadata:\n  name: api\nspec:\n  host: api.prod.svc.cluster.local\n  trafficPolicy:\n    connectionPool:\n      http:\n        idleTimeout: 50s',
        },
      ],
      tradeoffs: [
        'More reconnects (and TLS handshakes) for sporadic traffic.',
        'Must be revisited whenever the server or a load balancer in between changes its timeout.',
      ],
    },
    {
      id: 'server-idle-longer',
      title: "Raise the server's idle timeout above every client's",
      steps: [
        {
          label: 'Node.js behind a load balancer with a 60 s idle timeout',
          language: 'text',
          code: 'server.keepAliveTimeout = 65000;\nserver.headersTimeout = 66000;',
        },
      ],
      tradeoffs: [
        'Idle connections hold memory and file descriptors on the server longer.',
        'Only works when every client is known; a new client with a longer pool brings the race back.',
      ],
    },
    {
      id: 'retry-reset-before-response',
      title: 'Retry requests that failed on a reused connection before any response byte',
      steps: [
        {
          language: 'yaml',
          code: 'apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata:\n  name: api\nspec:\n  hosts: [api.prod.svc.cluster.local]\n  http:\n    - route:\n        - destination:\n            host: api.prod.svc.cluster.local\n      retries:\n        attempts: 2\n        retryOn: reset,connect-failure',
        },
      ],
      tradeoffs: [
        'Safe only for idempotent requests: in general a client cannot tell whether the server processed the request before the reset.',
      ],
    },
  ],
  verification: [
    'No errors on the first request after idle periods; no Envoy 503 UC in the access logs.',
    'Capture: connections are closed by the client first, or reused well before the server timeout.',
    'ss on the client: no CLOSE-WAIT sockets accumulating in pools.',
  ],
  references: [
    {
      title: 'Envoy HttpProtocolOptions (idle_timeout)',
      url: 'https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/core/v3/protocol.proto',
    },
    {
      title: 'Envoy access log format: response flags (UC, UF, URX ...)',
      url: 'https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage',
    },
    {
      title: 'Node.js http: server.keepAliveTimeout',
      url: 'https://nodejs.org/api/http.html#serverkeepalivetimeout',
    },
    {
      title: 'Go net/http: Transport.IdleConnTimeout',
      url: 'https://pkg.go.dev/net/http#Transport',
    },
    {
      title: 'Istio DestinationRule reference: ConnectionPoolSettings.HTTPSettings.idleTimeout',
      url: 'https://istio.io/latest/docs/reference/config/networking/destination-rule/',
    },
    { title: 'APISIX keep-alive timeout resets through port-forward (seed 004)' },
  ],
  lab: {
    description:
      'An HTTP/1.1 server closes keep-alive connections idle for 1-1.5 s (like nginx keepalive_timeout, without advertising it in a Keep-Alive header) and a pooled Node.js client reuses its connection at that moment. The race is made deterministic by stalling one event loop, as a GC pause would: either the client sends its request after the server FIN arrived but before it noticed it (the server kernel answers RST, the client reports "socket hang up"), or the server idle timer fires before it reads a request that already arrived, so its close() becomes a RST without FIN (the client reports "read ECONNRESET").',
    variants: [
      'direct-client-stall-capture: client <-> server:8080, server idle timeout 1 s (FIN); the client reuses the pooled connection after 0.9 s plus a 300 ms event-loop stall; client capture, ss, client log, access log',
      'service-vip-server-stall-conntrack-events: client -> node DNAT of a Service VIP -> server:8080, idle timeout 1.5 s; the server stalls, the request lands unread and close() sends a RST; node conntrack -E -o timestamp, conntrack -L, iptables-save, client log, access log; no capture',
    ],
  },
  seeds: ['004'],
};
