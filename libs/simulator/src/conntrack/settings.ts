/** Per-state TCP timeouts in seconds, named after the `nf_conntrack_tcp_timeout_*` sysctls. */
export interface TcpTimeouts {
  synSent: number;
  synRecv: number;
  established: number;
  finWait: number;
  closeWait: number;
  lastAck: number;
  timeWait: number;
  close: number;
  synSent2: number;
  /** `nf_conntrack_tcp_timeout_max_retrans`: armed after `max_retrans` identical retransmissions. */
  retrans: number;
  /** `nf_conntrack_tcp_timeout_unacknowledged`: armed while sent data is not yet acknowledged. */
  unacknowledged: number;
}

/** The conntrack sysctls that change verdicts or timers. */
export interface ConntrackSettings {
  beLiberal: boolean;
  loose: boolean;
  ignoreInvalidRst: boolean;
  maxRetrans: number;
  /** `nf_conntrack_max`: entries (confirmed and being created) before new flows are refused. */
  max: number;
  tcp: TcpTimeouts;
  udpTimeout: number;
  udpStreamTimeout: number;
  icmpTimeout: number;
  genericTimeout: number;
}

/**
 * Kernel defaults. `nf_conntrack_max` depends on memory (and `nf_conntrack_buckets`) on a real
 * host; 262144 is what a typical 16 GiB node reports. UDP stream timeout: 120 s on current
 * kernels (older ones used 180 s; set `net.netfilter.nf_conntrack_udp_timeout_stream` to match).
 */
export const DEFAULT_CONNTRACK_SETTINGS: ConntrackSettings = Object.freeze({
  beLiberal: false,
  loose: true,
  ignoreInvalidRst: false,
  maxRetrans: 3,
  max: 262_144,
  tcp: Object.freeze({
    synSent: 120,
    synRecv: 60,
    established: 432_000,
    finWait: 120,
    closeWait: 60,
    lastAck: 30,
    timeWait: 120,
    close: 10,
    synSent2: 120,
    retrans: 300,
    unacknowledged: 300,
  }),
  udpTimeout: 30,
  udpStreamTimeout: 120,
  icmpTimeout: 30,
  genericTimeout: 600,
});

type NumericKey =
  'maxRetrans' | 'max' | 'udpTimeout' | 'udpStreamTimeout' | 'icmpTimeout' | 'genericTimeout';
type BooleanKey = 'beLiberal' | 'loose' | 'ignoreInvalidRst';

/** Sysctl suffix (after `nf_conntrack_`) to setting. */
const TOP_LEVEL: Readonly<Record<string, NumericKey | BooleanKey>> = {
  tcp_be_liberal: 'beLiberal',
  tcp_loose: 'loose',
  tcp_ignore_invalid_rst: 'ignoreInvalidRst',
  tcp_max_retrans: 'maxRetrans',
  max: 'max',
  udp_timeout: 'udpTimeout',
  udp_timeout_stream: 'udpStreamTimeout',
  icmp_timeout: 'icmpTimeout',
  icmpv6_timeout: 'icmpTimeout',
  generic_timeout: 'genericTimeout',
};

const TCP_TIMEOUTS: Readonly<Record<string, keyof TcpTimeouts>> = {
  syn_sent: 'synSent',
  syn_recv: 'synRecv',
  established: 'established',
  fin_wait: 'finWait',
  close_wait: 'closeWait',
  last_ack: 'lastAck',
  time_wait: 'timeWait',
  close: 'close',
  syn_sent2: 'synSent2',
  max_retrans: 'retrans',
  unacknowledged: 'unacknowledged',
};

const BOOLEAN_KEYS: ReadonlySet<string> = new Set<BooleanKey>([
  'beLiberal',
  'loose',
  'ignoreInvalidRst',
]);

/**
 * The suffix after `nf_conntrack_` for the current names (`net.netfilter.nf_conntrack_*`,
 * `net.nf_conntrack_max`) and the pre-4.x IPv4 names (`net.ipv4.netfilter.ip_conntrack_*`,
 * which also spelled the TCP timeouts `ip_conntrack_tcp_timeout_*`).
 */
function conntrackSuffix(key: string): string | undefined {
  const match =
    /^net\.(?:netfilter\.nf_conntrack_|nf_conntrack_|ipv4\.netfilter\.ip_conntrack_)(.+)$/.exec(
      key,
    );
  return match?.[1];
}

function parseInteger(value: string): number | undefined {
  const trimmed = value.trim();
  if (!/^-?\d+$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/**
 * Settings from `sysctl -a` style values. Unknown keys and unparseable values are ignored (the
 * base value stays): a bundle's sysctl dump holds thousands of unrelated keys.
 */
export function conntrackSettingsFromSysctls(
  values: Readonly<Record<string, string>>,
  base: ConntrackSettings = DEFAULT_CONNTRACK_SETTINGS,
): ConntrackSettings {
  const settings: ConntrackSettings = { ...base, tcp: { ...base.tcp } };
  for (const [key, raw] of Object.entries(values)) {
    const suffix = conntrackSuffix(key);
    if (suffix === undefined) continue;
    const value = parseInteger(raw);
    if (value === undefined || value < 0) continue;
    const topLevel = TOP_LEVEL[suffix];
    if (topLevel !== undefined) {
      if (BOOLEAN_KEYS.has(topLevel))
        (settings as unknown as Record<string, boolean>)[topLevel] = value !== 0;
      else (settings as unknown as Record<string, number>)[topLevel] = value;
      continue;
    }
    const tcpMatch = /^tcp_timeout_(.+)$/.exec(suffix);
    const tcpKey = tcpMatch ? TCP_TIMEOUTS[tcpMatch[1] ?? ''] : undefined;
    if (tcpKey !== undefined) settings.tcp[tcpKey] = value;
  }
  return settings;
}
