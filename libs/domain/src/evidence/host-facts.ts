import type { Locator } from '../artifact/locator.js';

/** sysctl settings (`sysctl -a`, `sysctl net`, or /proc/sys dumps). */
export interface SysctlSet {
  readonly locator: Locator;
  /** Keys in dotted form (`net.netfilter.nf_conntrack_tcp_be_liberal`), values verbatim. */
  readonly values: Readonly<Record<string, string>>;
  /** Line of each key, for evidence pointers. */
  readonly lines: Readonly<Record<string, number>>;
}

/** From `uname -a` or /proc/version. */
export interface KernelInfo {
  readonly locator: Locator;
  /** e.g. `6.1.0-27-amd64`. */
  readonly release: string;
  /** Major, minor, patch parsed from the release. */
  readonly version: readonly [number, number, number];
  readonly hostname?: string;
  readonly machine?: string;
  readonly raw: string;
}

/** Protocol counters (`nstat`, `netstat -s`, /proc/net/snmp): name → value. */
export interface CounterSet {
  readonly locator: Locator;
  readonly counters: Readonly<Record<string, number>>;
}

/** The collector's record of how the bundle was gathered. */
export interface BundleManifest {
  readonly locator: Locator;
  readonly collectedAt?: string;
  readonly host?: string;
  readonly networkNamespace?: string;
  readonly commands: readonly {
    readonly argv: readonly string[];
    readonly file?: string;
    readonly exitCode?: number;
    readonly tool?: string;
    readonly version?: string;
  }[];
}
