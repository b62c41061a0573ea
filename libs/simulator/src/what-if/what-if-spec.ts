import { BadInputError } from '@netmortem/domain';
import type { KeepaliveOverride } from '../replay/replay-types.js';
import type { RuleRemoval, WhatIfOverrides } from './what-if-types.js';

/** A rule line to add, not yet parsed (the caller owns the iptables-save parser). */
export interface RuleLineToAdd {
  readonly table: string;
  readonly chain: string;
  readonly line: string;
  readonly insert: boolean;
}

export interface ParsedWhatIf {
  readonly overrides: Omit<WhatIfOverrides, 'addRules'>;
  readonly addRuleLines: readonly RuleLineToAdd[];
}

const USAGE =
  'expected key=value: a sysctl (net.netfilter.nf_conntrack_tcp_be_liberal=1), kernel=<profile or release>, keepalive=[client|server:]<seconds>[@ip:port], add-rule=<table>:-A CHAIN …, remove-rule=[<table>:]-A CHAIN …';

/**
 * Reads `--what-if` values: `net.…=v` sysctls, `kernel=6.2+`, `keepalive=client:60`,
 * `add-rule=mangle:-A PREROUTING -m conntrack --ctstate INVALID -j DROP`,
 * `remove-rule=mangle:-A PREROUTING -m conntrack --ctstate INVALID -j ISTIO_DROP`.
 */
export function parseWhatIfSpecs(specs: readonly string[]): ParsedWhatIf {
  const settings: Record<string, string> = {};
  const keepalive: KeepaliveOverride[] = [];
  const removeRules: RuleRemoval[] = [];
  const addRuleLines: RuleLineToAdd[] = [];
  let kernel: string | undefined;
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new BadInputError('what-if.syntax', `--what-if "${spec}": ${USAGE}`);
    const key = spec.slice(0, eq).trim();
    const value = spec.slice(eq + 1).trim();
    if (key === 'kernel') kernel = value;
    else if (key === 'keepalive') keepalive.push(parseKeepalive(spec, value));
    else if (key === 'remove-rule') {
      const { table, line } = splitTable(value);
      removeRules.push({ line, ...(table === undefined ? {} : { table }) });
    } else if (key === 'add-rule') {
      const { table, line } = splitTable(value);
      const words = line.split(/\s+/);
      if ((words[0] !== '-A' && words[0] !== '-I') || !words[1] || table === undefined) {
        throw new BadInputError(
          'what-if.rule',
          `--what-if "${spec}": add-rule needs <table>:-A <CHAIN> <matches> -j <TARGET>`,
        );
      }
      addRuleLines.push({ table, chain: words[1], line, insert: words[0] === '-I' });
    } else if (key.includes('.')) settings[key] = value;
    else
      throw new BadInputError(
        'what-if.syntax',
        `--what-if "${spec}": unknown key "${key}"; ${USAGE}`,
      );
  }
  return {
    overrides: {
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
      ...(kernel === undefined ? {} : { kernel }),
      ...(keepalive.length > 0 ? { keepalive } : {}),
      ...(removeRules.length > 0 ? { removeRules } : {}),
    },
    addRuleLines,
  };
}

function splitTable(value: string): { table?: string; line: string } {
  const match = /^(raw|mangle|nat|filter|security):\s*(.*)$/.exec(value);
  return match ? { table: match[1], line: (match[2] as string).trim() } : { line: value };
}

function parseKeepalive(spec: string, value: string): KeepaliveOverride {
  const match = /^(?:(client|server):)?(\d+(?:\.\d+)?)(?:@(.+))?$/.exec(value);
  const seconds = match ? Number(match[2]) : Number.NaN;
  if (!match || !(seconds > 0)) {
    throw new BadInputError(
      'what-if.keepalive',
      `--what-if "${spec}": keepalive=[client|server:]<seconds>[@ip:port], e.g. keepalive=client:60`,
    );
  }
  return {
    side: (match[1] as 'client' | 'server' | undefined) ?? 'client',
    everySec: seconds,
    ...(match[3] === undefined ? {} : { endpoint: match[3] }),
  };
}
