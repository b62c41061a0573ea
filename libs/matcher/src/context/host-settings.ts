import type { KernelInfo, SysctlSet } from '@netmortem/domain';
import { kernelProfileFor, type KernelProfile } from '@netmortem/simulator';
import type { EvidencePointer } from '../report/analysis-report.js';

/**
 * Kernel defaults of the sysctls the detectors reason about, for bundles that carry no
 * `sysctl -a`. Values as `sysctl` prints them. nf_conntrack_max has no fixed default (it
 * scales with memory), so it is absent here on purpose.
 */
const KERNEL_DEFAULTS: Readonly<Record<string, string>> = {
  'net.netfilter.nf_conntrack_tcp_be_liberal': '0',
  'net.netfilter.nf_conntrack_tcp_loose': '1',
  'net.netfilter.nf_conntrack_tcp_ignore_invalid_rst': '0',
  'net.netfilter.nf_conntrack_tcp_max_retrans': '3',
  'net.netfilter.nf_conntrack_tcp_timeout_established': '432000',
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait': '60',
  'net.netfilter.nf_conntrack_tcp_timeout_fin_wait': '120',
  'net.netfilter.nf_conntrack_tcp_timeout_last_ack': '30',
  'net.netfilter.nf_conntrack_tcp_timeout_time_wait': '120',
  'net.netfilter.nf_conntrack_tcp_timeout_close': '10',
  'net.netfilter.nf_conntrack_tcp_timeout_syn_sent': '120',
  'net.netfilter.nf_conntrack_tcp_timeout_syn_recv': '60',
  'net.netfilter.nf_conntrack_tcp_timeout_unacknowledged': '300',
  'net.netfilter.nf_conntrack_udp_timeout': '30',
  'net.netfilter.nf_conntrack_udp_timeout_stream': '120',
  'net.ipv4.tcp_keepalive_time': '7200',
  'net.ipv4.tcp_keepalive_intvl': '75',
  'net.ipv4.tcp_keepalive_probes': '9',
  'net.ipv4.tcp_fin_timeout': '60',
  'net.ipv4.tcp_abort_on_overflow': '0',
  'net.ipv4.tcp_mtu_probing': '0',
  'net.ipv4.tcp_syncookies': '1',
  'net.ipv4.tcp_syn_retries': '6',
  'net.ipv4.tcp_tw_reuse': '2',
  'net.ipv4.ip_local_port_range': '32768\t60999',
};

export interface SettingValue {
  readonly value: string;
  /** False when the bundle did not say and the kernel default stands in. */
  readonly observed: boolean;
  readonly pointer?: EvidencePointer;
}

/** The host's sysctls and kernel, as far as the bundle tells, with defaults filling the gaps. */
export class HostSettings {
  readonly profile: KernelProfile;
  readonly kernel?: KernelInfo;

  constructor(
    private readonly sysctls: readonly SysctlSet[],
    kernels: readonly KernelInfo[],
  ) {
    this.kernel = kernels[0];
    // Without uname the current profile is assumed: the one this product is tested against.
    this.profile = kernelProfileFor(this.kernel?.release ?? '6.2.0');
  }

  get hasSysctls(): boolean {
    return this.sysctls.length > 0;
  }

  get(key: string): SettingValue | undefined {
    for (const set of this.sysctls) {
      const value = set.values[key];
      if (value === undefined) continue;
      const line = set.lines[key];
      return {
        value: value.trim(),
        observed: true,
        pointer: {
          artifact: set.locator.artifact,
          locator: line === undefined ? '' : `line ${line}`,
          note: `${key} = ${value.trim()}`,
        },
      };
    }
    const fallback = KERNEL_DEFAULTS[key];
    return fallback === undefined ? undefined : { value: fallback, observed: false };
  }

  number(key: string): number | undefined {
    const setting = this.get(key);
    if (setting === undefined) return undefined;
    const value = Number(setting.value.split(/\s+/)[0]);
    return Number.isFinite(value) ? value : undefined;
  }

  /** All values (bundle first, defaults after) in the form the simulator reads. */
  values(): Record<string, string> {
    const merged: Record<string, string> = {};
    for (const set of [...this.sysctls].reverse()) Object.assign(merged, set.values);
    return merged;
  }

  /** True when the kernel's release is known to be at least major.minor. */
  kernelAtLeast(major: number, minor: number): boolean | undefined {
    if (!this.kernel) return undefined;
    const [a, b] = this.kernel.version;
    return a > major || (a === major && b >= minor);
  }

  kernelPointer(note: string): EvidencePointer | undefined {
    return this.kernel
      ? { artifact: this.kernel.locator.artifact, locator: lineOf(this.kernel.locator.line), note }
      : undefined;
  }
}

function lineOf(line: number | undefined): string {
  return line === undefined ? '' : `line ${line}`;
}
