import type { ArtifactKind } from '@netmortem/domain';

/** Bundle layouts this module knows by their paths. */
export type LayoutName = 'retina-capture' | 'netmortem-collector';

/**
 * What a file is for within its layout.
 * - `evidence`: read it as `kind`.
 * - `context`: kept for people (addresses, routes, /proc tables nothing parses yet); no kind.
 * - `sysctl-value`: one /proc/sys file; read through its group's synthesised SysctlSet.
 * - `composite`: several commands' output in one file; split it with splitRetinaMetadata.
 * - `iptables-counters`: an `iptables -vnxL` listing; parseIptablesListing, then
 *   attachListingCounters onto the iptables-save rules of the same table.
 */
export type ArtifactRole =
  'evidence' | 'context' | 'sysctl-value' | 'composite' | 'iptables-counters';

/** One file of an unpacked bundle, with the kind content detection gave it (if known yet). */
export interface LayoutEntry {
  readonly path: string;
  readonly kind?: ArtifactKind;
}

export interface LayoutHint {
  readonly path: string;
  readonly layout: LayoutName;
  readonly role: ArtifactRole;
  /**
   * The kind to read the file as. The layout's kind wins only where detection found none or
   * agreed; content that clearly is something else keeps its detected kind. `unknown` for
   * roles that are not read whole (context, sysctl values, composites).
   */
  readonly kind: ArtifactKind;
  /** True when `kind` differs from the detected kind. */
  readonly overridden: boolean;
  /** Why, in words: what the file is in that layout. */
  readonly reason: string;
  /** For `sysctl-value`: the dotted key (`net.ipv4.tcp_keepalive_time`). */
  readonly sysctlKey?: string;
}

/** Files of one /proc/sys/net copy, to be read and turned into one SysctlSet. */
export interface SysctlGroup {
  /** The copied folder, e.g. `<capture>/proc-sys-net`: the synthesised set's artifact. */
  readonly artifact: string;
  readonly files: readonly { readonly path: string; readonly key: string }[];
}

export interface LayoutMatch {
  readonly layout: LayoutName;
  /** The folder the layout starts at ('' for the bundle's top). */
  readonly root: string;
  /** The layout's own facts: Retina's capture name and start time, for instance. */
  readonly details: Readonly<Record<string, string>>;
}

export interface BundleLayouts {
  readonly matches: readonly LayoutMatch[];
  /** By path; files outside any recognised layout have none. */
  readonly hints: ReadonlyMap<string, LayoutHint>;
  readonly sysctlGroups: readonly SysctlGroup[];
}
