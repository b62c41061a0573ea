/**
 * Words never taken for a private name when found in a bundle (a name given with --name is
 * replaced regardless): Kubernetes' own namespaces and services, DNS suffixes, cloud
 * provider domains, and words the artifact formats themselves are made of, which a parser
 * must still find after redaction (a namespace called "filter" would otherwise rename an
 * iptables table).
 */
export const NAME_STOP_WORDS: ReadonlySet<string> = new Set([
  // Kubernetes, Istio and friends.
  'default', 'kube-system', 'kube-public', 'kube-node-lease', 'kubernetes', 'kube', 'k8s',
  'istio-system', 'istio-ingress', 'istio-egress', 'istiod', 'istio', 'istio-proxy', 'envoy',
  'sidecar', 'router', 'gateway', 'ingress', 'egress', 'coredns', 'kube-dns', 'kube-proxy',
  'kubelet', 'containerd', 'docker', 'cri-o', 'calico', 'cilium', 'flannel', 'weave',
  'svc', 'cluster', 'local', 'pod', 'pods', 'node', 'nodes', 'service', 'services', 'namespace',
  'passthroughcluster', 'blackholecluster', 'inboundpassthroughcluster',
  'inboundpassthroughclusteripv4', 'inboundpassthroughclusteripv6', 'prometheus_stats',
  'agent', 'xds-grpc', 'sds-grpc', 'zipkin',
  // DNS and cloud suffixes.
  'localhost', 'localdomain', 'internal', 'compute', 'ec2', 'amazonaws', 'googleapis',
  'cloudapp', 'azure', 'windows', 'arpa', 'in-addr', 'ip6', 'com', 'net', 'org', 'io', 'dev',
  'app', 'info', 'biz', 'co', 'uk', 'de', 'fr', 'eu', 'us', 'cn', 'jp', 'example', 'test',
  'invalid', 'lan', 'home', 'corp', 'intranet', 'www',
  // Words the formats are built from.
  'tcp', 'udp', 'icmp', 'icmpv6', 'sctp', 'ip', 'ipv4', 'ipv6', 'inet', 'inet6', 'ether',
  'filter', 'nat', 'mangle', 'raw', 'security', 'input', 'output', 'forward', 'prerouting',
  'postrouting', 'accept', 'drop', 'reject', 'return', 'masquerade', 'redirect', 'dnat', 'snat',
  'established', 'related', 'new', 'untracked', 'close', 'listen', 'estab', 'kernel', 'linux',
  'none', 'null', 'nil', 'true', 'false', 'unknown', 'any', 'all', 'inbound', 'outbound',
  'http', 'https', 'http2', 'grpc', 'tls', 'h2', 'stdout', 'stderr', 'info', 'debug', 'warn',
  'warning', 'error', 'trace', 'critical', 'fatal', 'proxy', 'main', 'lo', 'eth0', 'root',
  'host', 'hostname', 'localnet', 'version', 'command', 'tcpdump', 'conntrack', 'iptables',
  'nft', 'nftables', 'ss', 'netstat', 'sysctl', 'uname', 'dmesg', 'strace', 'manifest',
  'capture', 'pcap', 'pcapng', 'txt', 'log', 'json', 'yaml',
]); // prettier-ignore

/**
 * User agents of generic clients, kept as they are: they say which library made a request,
 * which helps the analysis (a kube-probe, an okhttp pool) and names no one. Any other
 * product token of a User-Agent is taken for an application name and replaced.
 */
export const GENERIC_USER_AGENTS: ReadonlySet<string> = new Set([
  'curl', 'libcurl', 'wget', 'okhttp', 'go-http-client', 'kube-probe', 'python-requests',
  'python-urllib', 'python-httpx', 'python', 'aiohttp', 'java', 'apache-httpclient',
  'apache-httpasyncclient', 'jetty', 'netty', 'reactor-netty', 'axios', 'node-fetch', 'node',
  'undici', 'got', 'grpc-go', 'grpc-java', 'grpc-java-netty', 'grpc-java-okhttp', 'grpc-node',
  'grpc-node-js', 'grpc-python', 'grpc-c', 'grpc-dotnet', 'grpc-c++', 'envoy', 'istio',
  'istio-envoy', 'mozilla', 'chrome', 'safari', 'firefox', 'edge', 'applewebkit', 'khtml',
  'gecko', 'like', 'kubectl', 'kubelet', 'kube-proxy', 'prometheus', 'elb-healthchecker',
  'googlehc', 'docker', 'containerd', 'helm', 'dart', 'postmanruntime', 'insomnia', 'httpie',
  'hey', 'wrk', 'ab', 'k6', 'vegeta', 'fortio', 'apachebench', 'nginx', 'haproxy', 'traefik',
  'linkerd', 'fluent-bit', 'datadog-agent', 'dotnet', 'restsharp', 'ruby', 'faraday',
  'guzzlehttp', 'php', 'rust', 'reqwest', 'hyper', 'aws-sdk-go', 'aws-sdk-java', 'botocore',
  'boto3', 'spring', 'feign', 'ktor-client',
]); // prettier-ignore
