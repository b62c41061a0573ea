import type { ArtifactKind } from '@netmortem/domain';
import type { ArtifactRole } from './layout-hint.js';

/**
 * Retina's metadata files (ip-resources.txt, iptables-rules.txt, socket-stats.txt) hold
 * several commands' output. The capture job writes, per file:
 *
 *   Summary:
 *
 *   /usr/sbin/iptables-save(IPtables rules)
 *   /usr/sbin/iptables -vnx -L(IPtables rules and stats in filter table)
 *
 *   Execute:
 *
 *   /usr/sbin/iptables-save
 *
 *   <its stdout and stderr>
 *   /usr/sbin/iptables -vnx -L
 *
 *   <its stdout and stderr>
 *
 * Commands are written as Go prints them (resolved path, then arguments). A failed command
 * is followed by `Failed to run "<command>", error: <error>)` with no newline, so the next
 * command's header can follow on the same line.
 */
export interface RetinaMetadataSection {
  /** The command as written, e.g. `/usr/sbin/iptables -vnx -L -t nat`. */
  readonly command: string;
  /** The same, split, with the program's directory dropped: `['iptables', '-vnx', ...]`. */
  readonly argv: readonly string[];
  /** Retina's description from the summary, e.g. `IPtables rules and stats in nat table`. */
  readonly description?: string;
  /** 1-based line of the file where the output starts; a section's line n is file line firstLine + n - 1. */
  readonly firstLine: number;
  /** The output, stdout and stderr as the command printed them. */
  readonly text: string;
  /** Go's error text when the command failed, e.g. `exit status 1`. */
  readonly failure?: string;
  /** What to read the output as, and for what. */
  readonly kind: ArtifactKind;
  readonly role: ArtifactRole;
  /** For iptables listings: the table (`filter` unless `-t` says otherwise). */
  readonly table?: string;
}

export interface RetinaMetadata {
  readonly sections: readonly RetinaMetadataSection[];
  /** Summary commands whose output was not found, in words. */
  readonly problems: readonly string[];
}

const SUMMARY_LINE = /^(.+)\(([^()]*)\)$/;
const FAILURE = /Failed to run "((?:[^"\\]|\\.)*)", error: ([^\n]*)\)$/;

/** Splits a Retina metadata file into its commands' outputs; undefined if it is not one. */
export function splitRetinaMetadata(text: string): RetinaMetadata | undefined {
  const content = text.replace(/^\uFEFF/, '');
  if (!content.startsWith('Summary:\n')) return undefined;
  const executeAt = content.indexOf('\nExecute:\n');
  if (executeAt < 0) return undefined;
  const summary = content
    .slice('Summary:\n'.length, executeAt)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      const match = SUMMARY_LINE.exec(line);
      return match ? [{ command: match[1]!, description: match[2]! }] : [];
    });
  if (summary.length === 0) return undefined;

  // Find each command's header in order; its output runs to the next header.
  const problems: string[] = [];
  const found: { command: string; description: string; start: number; headerEnd: number }[] = [];
  let from = executeAt + '\nExecute:\n'.length;
  for (const { command, description } of summary) {
    const header = findHeader(content, command, from);
    if (header === undefined) {
      problems.push(`no output found for ${command}`);
      continue;
    }
    found.push({ command, description, ...header });
    from = header.headerEnd;
  }
  const sections = found.map((current, index) => {
    const end = found[index + 1]?.start ?? content.length;
    return section(content, current, end);
  });
  return { sections, problems };
}

/** A header is the command alone on its line (or right after a failure's `)`), then a blank line. */
function findHeader(
  content: string,
  command: string,
  from: number,
): { start: number; headerEnd: number } | undefined {
  const marker = `${command}\n\n`;
  let at = content.indexOf(marker, from);
  while (at >= 0) {
    const before = at === 0 ? '\n' : content[at - 1];
    if (
      before === '\n' ||
      (before === ')' && FAILURE.test(content.slice(lineStart(content, at), at)))
    ) {
      return { start: at, headerEnd: at + marker.length };
    }
    at = content.indexOf(marker, at + 1);
  }
  // An output without a final newline has the next header glued to its last line.
  at = content.indexOf(marker, from);
  return at >= 0 ? { start: at, headerEnd: at + marker.length } : undefined;
}

function section(
  content: string,
  found: { command: string; description: string; headerEnd: number },
  end: number,
): RetinaMetadataSection {
  let output = content.slice(found.headerEnd, end);
  let failure: string | undefined;
  const failed = FAILURE.exec(output);
  if (failed && output.endsWith(failed[0])) {
    failure = failed[2];
    output = output.slice(0, output.length - failed[0].length);
  }
  const argv = found.command.split(/\s+/).filter((word) => word !== '');
  argv[0] = (argv[0] ?? '').replace(/^.*\//, '');
  const firstLine = lineNumberAt(content, found.headerEnd);
  return {
    command: found.command,
    argv,
    ...(found.description ? { description: found.description } : {}),
    firstLine,
    text: output,
    ...(failure !== undefined ? { failure } : {}),
    ...purpose(argv),
  };
}

function purpose(argv: readonly string[]): Pick<RetinaMetadataSection, 'kind' | 'role' | 'table'> {
  const [program = '', ...args] = argv;
  if (/^ip6?tables(?:-(?:legacy|nft))?-save$/.test(program))
    return { kind: 'iptables-save', role: 'evidence' };
  if (/^ip6?tables(?:-(?:legacy|nft))?$/.test(program) && args.some((arg) => /^-\w*L/.test(arg))) {
    const t = args.indexOf('-t');
    return {
      kind: 'unknown',
      role: 'iptables-counters',
      table: (t >= 0 ? args[t + 1] : undefined) ?? 'filter',
    };
  }
  // ss -s is a summary of counts; the socket table is the -t... listing.
  if (program === 'ss' && !args.includes('-s')) return { kind: 'ss', role: 'evidence' };
  return { kind: 'unknown', role: 'context' };
}

function lineStart(content: string, at: number): number {
  return content.lastIndexOf('\n', at - 1) + 1;
}

function lineNumberAt(content: string, at: number): number {
  let line = 1;
  for (let i = content.indexOf('\n'); i >= 0 && i < at; i = content.indexOf('\n', i + 1)) line++;
  return line;
}
