import type { Rule } from '@netmortem/domain';
import type { KeepaliveOverride } from '../replay/replay-types.js';

/** A rule to add, already parsed (the CLI parses the iptables-save line with libs/evidence). */
export interface RuleAddition {
  readonly table: string;
  readonly chain: string;
  readonly rule: Rule;
  /** `-I`: first in the chain; `-A` (default): last. */
  readonly insert?: boolean;
}

/** A rule to remove, named by its iptables-save line (whitespace does not matter). */
export interface RuleRemoval {
  readonly table?: string;
  /** `-A CHAIN …` or the part after the chain name. */
  readonly line: string;
}

/** What differs from the evidence in a what-if run. */
export interface WhatIfOverrides {
  /** sysctls, keyed like `net.netfilter.nf_conntrack_tcp_be_liberal`. */
  readonly settings?: Readonly<Record<string, string>>;
  /** A kernel profile id or release. */
  readonly kernel?: string;
  readonly addRules?: readonly RuleAddition[];
  readonly removeRules?: readonly RuleRemoval[];
  readonly keepalive?: readonly KeepaliveOverride[];
}

/** One packet whose fate changed. */
export interface PacketChange {
  readonly capture: string;
  readonly index: number;
  readonly time: string;
  readonly before: string;
  readonly after: string;
  readonly sentence: string;
}

/** A captured packet the model no longer explains: its cause went away under the override. */
export interface VanishedPacket {
  readonly capture: string;
  readonly index: number;
  /** The packet that provoked it in the baseline. */
  readonly causedBy: { readonly capture: string; readonly index: number };
  readonly sentence: string;
}

/** The `diff` section of `netmortem simulate --what-if …`. */
export interface ReplayDiff {
  /** The overrides, in words. */
  readonly overrides: readonly string[];
  readonly noLongerHappens: readonly VanishedPacket[];
  readonly packets: readonly PacketChange[];
  /** Hidden-state changes: expiries, flushes and re-NATs that appear or disappear. */
  readonly timeline: readonly string[];
  /** The few sentences a person reads first. */
  readonly summary: readonly string[];
  /** Packets the what-if added (keepalive probes and their ACKs). */
  readonly synthesised: number;
}
