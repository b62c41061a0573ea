import { baseName, joinSegments, pathSegments } from './bundle-path.js';
import type { LayoutHint, LayoutEntry, LayoutMatch, SysctlGroup } from './layout-hint.js';
import { hintFor, type LayoutExpectation } from './layout-kind.js';
import { procSysKey } from './proc-sys-sysctl.js';

/**
 * Microsoft Retina's capture tarball (`kubectl retina capture create`, Linux nodes), as its
 * capture job writes it (pkg/capture/provider/network_capture_unix.go): at the top,
 * `<capture>-<node>-<YYYYMMDDhhmmss>UTC.pcap` and `tcpdump.log`; with metadata (the default),
 * `ip-resources.txt`, `iptables-rules.txt` and `socket-stats.txt`, each several commands'
 * output under a Summary/Execute header, and `cp -r` copies of /proc/self/net (`proc-net/`)
 * and /proc/sys/net (`proc-sys-net/`). The tarball has no top folder; people usually unpack
 * it into one named after it, so the layout may start at any depth, and a bundle may hold
 * the captures of several nodes side by side.
 */

const PCAP_NAME = /^(.+)-(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)UTC\.pcap$/;
const COMPOSITES: Readonly<Record<string, string>> = {
  'ip-resources.txt': 'Retina ip-resources.txt: ip addr, neigh, rule and route output',
  'iptables-rules.txt': 'Retina iptables-rules.txt: iptables-save and iptables -vnxL counters',
  'socket-stats.txt': 'Retina socket-stats.txt: ss -s and ss -tapionume',
};
// /proc/net files that are evidence; the rest of the copy is context.
const PROC_NET: Readonly<Record<string, LayoutExpectation>> = {
  nf_conntrack: {
    role: 'evidence',
    kind: 'conntrack-table',
    reason: 'copy of /proc/net/nf_conntrack',
  },
  'stat/nf_conntrack': {
    role: 'evidence',
    kind: 'conntrack-stats',
    reason: 'copy of /proc/net/stat/nf_conntrack',
  },
  snmp: { role: 'evidence', kind: 'net-counters', reason: 'copy of /proc/net/snmp' },
  snmp6: { role: 'evidence', kind: 'net-counters', reason: 'copy of /proc/net/snmp6' },
  netstat: {
    role: 'evidence',
    kind: 'net-counters',
    reason: 'copy of /proc/net/netstat (TcpExt counters)',
  },
};

type Marker = 'pcap' | 'tcpdump.log' | 'metadata' | 'proc-net' | 'proc-sys-net';

interface Placed {
  readonly entry: LayoutEntry;
  /** Segments of the path below the capture's root. */
  readonly inside: readonly string[];
  readonly marker?: Marker;
}

export interface RetinaRecognition {
  readonly matches: LayoutMatch[];
  readonly hints: LayoutHint[];
  readonly sysctlGroups: SysctlGroup[];
}

export function recogniseRetina(entries: readonly LayoutEntry[]): RetinaRecognition {
  const byRoot = new Map<string, Placed[]>();
  for (const entry of entries) {
    const placed = place(entry);
    if (!placed) continue;
    const list = byRoot.get(placed.root) ?? [];
    list.push(placed.placed);
    byRoot.set(placed.root, list);
  }
  const recognition: RetinaRecognition = { matches: [], hints: [], sysctlGroups: [] };
  for (const [root, placed] of byRoot) {
    const markers = new Set(placed.flatMap((p) => (p.marker ? [p.marker] : [])));
    // One marker alone (a lone socket-stats.txt, a folder called proc-net) is not enough.
    if (markers.size < 2) continue;
    recognition.matches.push({ layout: 'retina-capture', root, details: captureDetails(placed) });
    const sysctlFiles: { path: string; key: string }[] = [];
    for (const item of placed) {
      const hint = hintForFile(item);
      if (!hint) continue;
      recognition.hints.push(hint);
      if (hint.sysctlKey !== undefined) sysctlFiles.push({ path: hint.path, key: hint.sysctlKey });
    }
    if (sysctlFiles.length > 0) {
      const artifact = joinSegments([...pathSegments(root), 'proc-sys-net']);
      recognition.sysctlGroups.push({ artifact, files: sysctlFiles });
    }
  }
  return recognition;
}

/** Where a path would sit if it belonged to a Retina capture, and whether it marks one. */
function place(entry: LayoutEntry): { root: string; placed: Placed } | undefined {
  const segments = pathSegments(entry.path);
  const procAt = segments.findIndex(
    (s, i) => (s === 'proc-net' || s === 'proc-sys-net') && i < segments.length - 1,
  );
  if (procAt >= 0) {
    const marker = segments[procAt] as Marker;
    return at(segments, procAt, entry, marker);
  }
  const name = segments[segments.length - 1] ?? '';
  const marker: Marker | undefined =
    name in COMPOSITES
      ? 'metadata'
      : name === 'tcpdump.log'
        ? 'tcpdump.log'
        : PCAP_NAME.test(name)
          ? 'pcap'
          : undefined;
  // Other top-level files (another pcap, a README) belong to the root too but mark nothing.
  return at(segments, segments.length - 1, entry, marker);
}

function at(segments: readonly string[], index: number, entry: LayoutEntry, marker?: Marker) {
  return {
    root: joinSegments(segments.slice(0, index)),
    placed: { entry, inside: segments.slice(index), ...(marker ? { marker } : {}) },
  };
}

function hintForFile({ entry, inside }: Placed): LayoutHint | undefined {
  const expected = expectation(inside, entry.path);
  return expected ? hintFor(entry.path, 'retina-capture', expected, entry.kind) : undefined;
}

function expectation(inside: readonly string[], path: string): LayoutExpectation | undefined {
  const [first, ...rest] = inside;
  if (first === 'proc-sys-net') {
    const key = procSysKey(path);
    if (key === undefined) return undefined;
    return {
      role: 'sysctl-value',
      reason: `copy of /proc/sys/${key.replace(/\./g, '/')}`,
      sysctlKey: key,
    };
  }
  if (first === 'proc-net') {
    const name = rest.join('/');
    return (
      PROC_NET[name] ?? {
        role: 'context',
        reason: `copy of /proc/net/${name}, which nothing reads yet`,
      }
    );
  }
  if (inside.length !== 1 || first === undefined) return undefined;
  const composite = COMPOSITES[first];
  if (composite) return { role: 'composite', reason: composite };
  if (first === 'tcpdump.log') {
    return {
      role: 'context',
      reason: "Retina tcpdump.log: the capture's command line and packet counts",
    };
  }
  if (/\.pcap(?:ng)?$/.test(first)) {
    return {
      role: 'evidence',
      kind: first.endsWith('ng') ? 'pcapng' : 'pcap',
      reason: 'Retina capture',
    };
  }
  return undefined;
}

function captureDetails(placed: readonly Placed[]): Record<string, string> {
  for (const { entry, marker } of placed) {
    if (marker !== 'pcap') continue;
    const match = PCAP_NAME.exec(baseName(entry.path));
    if (!match) continue;
    const [, capture, year, month, day, hour, minute, second] = match;
    // The name is <capture>-<node>; both may hold dashes, so they stay together.
    return { capture: capture!, startedAt: `${year}-${month}-${day}T${hour}:${minute}:${second}Z` };
  }
  return {};
}
