/**
 * manifest.json as the netmortem collector writes it (libs/collector/scripts/collect.sh,
 * write_manifest): the bundle says what ran, where, with which tool versions and exit codes.
 */
export interface ManifestCommand {
  argv: string[];
  file?: string;
  exitCode: number;
  tool: string;
  version: string;
  note?: string;
  stderr?: string;
}

export interface ManifestScope {
  node: string;
  netns: string;
  netnsId: string;
}

export interface ManifestOptions {
  durationSeconds: number;
  interface: string;
  filter: string;
  snaplen: number;
  maxCaptureMiB: number;
  capture: boolean;
  events: boolean;
}

export interface CollectorManifest {
  kind: 'netmortem-manifest';
  netmortem: { collector: string; schema: number };
  collectedAt: string;
  finishedAt: string;
  scope: ManifestScope;
  options: ManifestOptions;
  iptablesBackend: string;
  commands: ManifestCommand[];
}

/** The collector release these bundles imitate; the lab marks itself in the version. */
export const LAB_COLLECTOR_VERSION = '0.1.0-lab';
export const MANIFEST_SCHEMA = 1;

/** Seconds-precision UTC, as `date -u +%Y-%m-%dT%H:%M:%SZ` prints it. */
export function collectorTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The package a command comes from, named as collect.sh's tool_family names it. */
export function toolFamily(program: string): string {
  if (program === 'ss' || program === 'ip' || program === 'nstat') return 'iproute2';
  if (program === 'conntrack') return 'conntrack-tools';
  if (program.startsWith('iptables') || program.startsWith('ip6tables')) return 'iptables';
  if (program === 'nft') return 'nftables';
  if (program === 'sysctl') return 'procps';
  if (program === 'dmesg') return 'util-linux';
  if (program === 'uname') return 'coreutils';
  if (program === 'cat' || program === 'grep') return 'procfs';
  return program;
}

/** The iptables backend from `iptables --version` ("iptables v1.8.9 (nf_tables)"). */
export function iptablesBackend(version: string): string {
  if (version.includes('nf_tables')) return 'nft';
  if (version.includes('legacy')) return 'legacy';
  return 'unknown';
}

export function buildManifest(input: {
  collectedAt: Date;
  finishedAt: Date;
  scope: ManifestScope;
  options: ManifestOptions;
  iptablesBackend: string;
  commands: readonly ManifestCommand[];
}): CollectorManifest {
  return {
    kind: 'netmortem-manifest',
    netmortem: { collector: LAB_COLLECTOR_VERSION, schema: MANIFEST_SCHEMA },
    collectedAt: collectorTimestamp(input.collectedAt),
    finishedAt: collectorTimestamp(input.finishedAt),
    scope: input.scope,
    options: input.options,
    iptablesBackend: input.iptablesBackend,
    commands: [...input.commands],
  };
}

/**
 * Serialises like collect.sh does: one command per line, so a person diffing two bundles'
 * manifests sees one changed line per command.
 */
export function formatManifest(manifest: CollectorManifest): string {
  const { commands, ...head } = manifest;
  const headJson = JSON.stringify(head, null, 2);
  const lines = commands.map((command) => `    ${JSON.stringify(command)}`);
  return `${headJson.slice(0, -2)},\n  "commands": [\n${lines.join(',\n')}\n  ]\n}\n`;
}
