import type { ArtifactKind } from '@netmortem/domain';
import { parseTextAccessEntry } from '../parsers/logs/envoy-access-text.js';
import type { NameKind, NameRegistry } from './name-registry.js';
import { GENERIC_USER_AGENTS } from './name-stop-words.js';

/** Kinds that hold no names worth finding (numbers, addresses, process names). */
const NAMELESS: ReadonlySet<ArtifactKind> = new Set([
  'pcap',
  'pcapng',
  'conntrack-table',
  'conntrack-events',
  'conntrack-stats',
  'net-counters',
  'ss',
  'netstat',
]);
/** Longer lines are only searched for the cheap patterns. */
const MAX_SCANNED_LINE = 256 * 1024;

const UNAME = /^(?:Linux|GNU\/Linux|Darwin|FreeBSD|OpenBSD|NetBSD)\s+(\S+)\s+\d/;
const KERNEL_NAME = /^\s*kernel\.(hostname|domainname)\s*=\s*(\S+)/;
const SYSLOG_HOST =
  /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)) (\S+) [\w./-]+(?:\[\d+\])?:/;
const KEY_VALUE =
  /(?:^|[\s{,;("'])["']?(node|nodename|node_name|hostname|host|pod|podname|pod_name|namespace|pod_namespace|podnamespace|kubernetes_namespace|cluster|clustername|cluster_name|service|servicename|service_name|app|deployment|container|containername|container_name|netns|authority|requested_server_name|requestedservername|upstream_cluster|upstreamcluster|user_agent|useragent|domain)["']?\s*[:=]\s*["']?([^"'\s,;{}[\]()<>]{1,253})/gi;
const KUBE_DNS = /([a-z0-9][a-z0-9-]{0,62})\.([a-z0-9][a-z0-9-]{0,62})\.(svc|pod)(?![\w-])/gi;
const KUBE_COMMENT =
  /(?:comment "?|\/\* )([a-z0-9][a-z0-9-]{0,62})\/([a-z0-9][a-z0-9.-]{0,252})(?::[\w-]*)?/g;
const KUBECTL_OBJECT =
  /\b(pods?|deployments?|deploy|svc|services?|statefulsets?|sts|daemonsets?|ds|nodes?)(?:\/| ")([a-z0-9][a-z0-9.-]{0,252})/g;
const TO_POD = /\bto pod ([\w.-]{2,253})/;
const NETNS = /\/netns\/([\w-]{2,253})/;
const PROXY_ID = /\bid=([a-z0-9][a-z0-9-]{0,252})\.([a-z0-9][a-z0-9-]{0,62})(?:\s|$)/;
const RETINA_NAME = /^(.+)-\d{14}UTC(?:\.pcap)?$/;

const OBJECT_KINDS: Readonly<Record<string, NameKind>> = {
  pod: 'pod',
  pods: 'pod',
  node: 'host',
  nodes: 'host',
};

/**
 * Finds the private names a bundle mentions, before anything is rewritten, so that a host
 * named in uname is replaced in the dmesg too, and a namespace named in a manifest is
 * replaced in the Envoy log: uname and kernel.hostname, syslog host fields, manifest scope
 * and key/value fields (node, pod, namespace, cluster, service…), Kubernetes DNS names
 * (`svc.ns.svc.cluster.local`), kube-proxy rule comments (`ns/svc:port`), Envoy access-log
 * fields (authority, upstream cluster, SNI, user agent), kubectl object names, Istio's proxy
 * id, and Retina capture folder names.
 */
export class NameHarvester {
  constructor(private readonly names: NameRegistry) {}

  /** Names the user asked to hide, in any spelling: every word of it is taken. */
  given(name: string): void {
    for (const word of name.split(/[^A-Za-z0-9_-]+/)) this.names.register(word, 'name', true);
  }

  path(path: string): void {
    for (const segment of path.split('/')) {
      const retina = RETINA_NAME.exec(segment);
      if (retina === null) continue;
      const prefix = retina[1]!;
      if (prefix.startsWith('retina-capture-')) this.names.register(prefix.slice(15), 'host');
      else this.names.register(prefix, 'capture');
    }
  }

  line(line: string, kind: ArtifactKind): void {
    if (NAMELESS.has(kind)) return;
    if (kind === 'uname') {
      const uname = UNAME.exec(line);
      if (uname && uname[1] !== 'version') this.dns(uname[1]!, 'host');
      return;
    }
    const kernel = KERNEL_NAME.exec(line);
    if (kernel) this.dns(kernel[2]!, kernel[1] === 'hostname' ? 'host' : 'domain');
    if (kind === 'sysctl') return;
    const syslog = SYSLOG_HOST.exec(line);
    if (syslog) this.dns(syslog[1]!, 'host');
    if (line.length > MAX_SCANNED_LINE) return;
    this.keyValues(line);
    this.kubeDns(line);
    this.kubectl(line);
    if (line.includes('comment') || line.includes('/*')) {
      for (const m of line.matchAll(KUBE_COMMENT)) {
        this.names.register(m[1]!, 'namespace');
        this.dns(m[2]!, 'service');
      }
    }
    if (line.includes('Proxy role')) {
      const id = PROXY_ID.exec(line);
      if (id) {
        this.names.register(id[1]!, 'pod');
        this.names.register(id[2]!, 'namespace');
      }
    }
    this.envoyText(line);
  }

  private keyValues(line: string): void {
    if (!/[:=]/.test(line)) return;
    for (const m of line.matchAll(KEY_VALUE)) {
      const key = m[1]!.toLowerCase().replaceAll('_', '');
      const value = m[2]!.replace(/\.$/, '');
      switch (key) {
        case 'node':
        case 'nodename':
        case 'hostname':
        case 'host':
        case 'authority':
        case 'requestedservername':
          this.dns(value, 'host');
          break;
        case 'pod':
        case 'podname':
          this.slashed(value, 'pod');
          break;
        case 'namespace':
        case 'podnamespace':
        case 'kubernetesnamespace':
          this.names.register(value, 'namespace');
          break;
        case 'cluster':
        case 'clustername':
          this.dns(value, 'cluster');
          break;
        case 'service':
        case 'servicename':
        case 'app':
        case 'deployment':
        case 'container':
        case 'containername':
          this.slashed(value, 'service');
          break;
        case 'netns':
          this.netns(value);
          break;
        case 'upstreamcluster':
          this.envoyCluster(value);
          break;
        case 'useragent':
          this.userAgent(value);
          break;
        case 'domain':
          this.dns(value, 'domain');
          break;
        default:
          break;
      }
    }
  }

  private kubeDns(line: string): void {
    if (!line.includes('.svc') && !line.includes('.pod')) return;
    for (const m of line.matchAll(KUBE_DNS)) {
      if (m[3]!.toLowerCase() === 'svc') this.names.register(m[1]!, 'service');
      this.names.register(m[2]!, 'namespace');
    }
  }

  private kubectl(line: string): void {
    const pod = TO_POD.exec(line);
    if (pod) this.names.register(pod[1]!.replace(/[.,]$/, ''), 'pod');
    const netns = NETNS.exec(line);
    if (netns) this.names.register(netns[1]!, 'netns');
    if (!line.includes('/') && !line.includes(' "')) return;
    for (const m of line.matchAll(KUBECTL_OBJECT)) {
      const kind = OBJECT_KINDS[m[1]!] ?? (m[1]!.startsWith('pod') ? 'pod' : 'service');
      const name = m[2]!.replace(/[.]$/, '');
      if (kind === 'host') this.dns(name, 'host');
      else this.names.register(name, kind);
    }
  }

  private envoyText(line: string): void {
    const at = line.startsWith('[') ? 0 : line.indexOf(' [');
    if (at < 0 || !line.includes('] "', at)) return;
    const entry = parseTextAccessEntry(at === 0 ? line : line.slice(at + 1));
    if (entry === undefined) return;
    if (entry.authority) this.dns(entry.authority, 'host');
    if (entry.requestedServerName) this.dns(entry.requestedServerName, 'host');
    if (entry.upstreamCluster) this.envoyCluster(entry.upstreamCluster);
    if (entry.userAgent) this.userAgent(entry.userAgent);
  }

  /** `outbound|8080||orders.shop.svc.cluster.local`, `outbound_.8080_._.orders…`. */
  private envoyCluster(value: string): void {
    const host = value.includes('|')
      ? value.slice(value.lastIndexOf('|') + 1)
      : value.replace(/^(?:in|out)bound_\.\d+_\.[^.]*_\./, '');
    if (host.includes('.')) this.dns(host, 'host');
  }

  /** Product tokens of a User-Agent that are not a generic client are application names. */
  private userAgent(value: string): void {
    for (const product of value.matchAll(/([A-Za-z][\w.-]{1,63})\//g)) {
      if (!GENERIC_USER_AGENTS.has(product[1]!.toLowerCase()))
        this.names.register(product[1]!, 'agent');
    }
  }

  /** `ns/name` or `name`. */
  private slashed(value: string, kind: NameKind): void {
    const slash = value.indexOf('/');
    if (slash < 0) {
      this.names.register(value, kind);
      return;
    }
    this.names.register(value.slice(0, slash), 'namespace');
    this.names.register(value.slice(slash + 1), kind);
  }

  /** The collector's scope (`pod:ns/name`, `host`) or a namespace path (`/var/run/netns/cni-…`). */
  private netns(value: string): void {
    if (value.startsWith('pod:')) this.slashed(value.slice(4), 'pod');
    else if (value.includes('/'))
      this.names.register(value.slice(value.lastIndexOf('/') + 1), 'netns');
    else this.names.register(value, 'netns');
  }

  /**
   * A DNS name, label by label: in `svc.ns.svc.cluster.local` the service and namespace; in
   * any other, the first label as `kind` and the rest as domain labels (the stop words keep
   * public suffixes).
   */
  private dns(value: string, kind: NameKind): void {
    const host = value
      .replace(/^\[|\]$/g, '')
      .replace(/:\d{1,5}$/, '')
      .replace(/\.$/, '');
    if (host.includes(':')) return; // an IPv6 address
    const labels = host.split('.').filter((label) => label.length > 0);
    const kube = labels.findIndex(
      (label, i) =>
        (label === 'svc' || label === 'pod') &&
        (i === labels.length - 1 || labels[i + 1] === 'cluster'),
    );
    if (kube > 0) {
      this.names.register(labels[kube - 1]!, 'namespace');
      if (kube > 1 && labels[kube] === 'svc') this.names.register(labels[kube - 2]!, 'service');
      return;
    }
    labels.forEach((label, i) => this.names.register(label, i === 0 ? kind : 'domain'));
  }
}
