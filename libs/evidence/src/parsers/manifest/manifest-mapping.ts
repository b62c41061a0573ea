import type { BundleManifest } from '@netmortem/domain';
import { shellWords } from './shell-words.js';

type Command = BundleManifest['commands'][number];

export interface MappedManifest {
  readonly manifest: Omit<BundleManifest, 'locator'>;
  /** Index of each command entry that was not an object with a command, for issues. */
  readonly skipped: readonly number[];
}

/**
 * The collector's manifest (`collectedAt`, `scope.node`, `scope.netns`, `commands[].argv`)
 * and the hand-written variants people make (`host`, `cmd`/`command` strings, `output`,
 * `rc`/`exit_code`), mapped onto one shape.
 */
export function mapManifest(value: unknown): MappedManifest | undefined {
  if (!isRecord(value)) return undefined;
  const scope = isRecord(value.scope) ? value.scope : {};
  const collectedAt = text(
    value.collectedAt ?? value.collected_at ?? value.time ?? value.timestamp,
  );
  const host = text(scope.node ?? scope.host ?? value.host ?? value.hostname ?? value.node);
  const networkNamespace = text(
    scope.netns ??
      scope.networkNamespace ??
      value.netns ??
      value.networkNamespace ??
      value.namespace,
  );
  const commands: Command[] = [];
  const skipped: number[] = [];
  const list = Array.isArray(value.commands) ? value.commands : [];
  list.forEach((entry, index) => {
    const command = mapCommand(entry);
    if (command) commands.push(command);
    else skipped.push(index);
  });
  return {
    manifest: {
      commands,
      ...(collectedAt ? { collectedAt } : {}),
      ...(host ? { host } : {}),
      ...(networkNamespace ? { networkNamespace } : {}),
    },
    skipped,
  };
}

function mapCommand(entry: unknown): Command | undefined {
  if (typeof entry === 'string') return entry.trim() ? { argv: shellWords(entry) } : undefined;
  if (!isRecord(entry)) return undefined;
  const argv = Array.isArray(entry.argv)
    ? entry.argv.map((a) => String(a))
    : typeof (entry.cmd ?? entry.command) === 'string'
      ? shellWords(String(entry.cmd ?? entry.command))
      : Array.isArray(entry.command)
        ? entry.command.map((a) => String(a))
        : undefined;
  if (!argv || argv.length === 0) return undefined;
  const file = text(entry.file ?? entry.output ?? entry.out ?? entry.path);
  const exit = entry.exitCode ?? entry.exit_code ?? entry.rc ?? entry.status;
  const exitCode =
    typeof exit === 'number' && Number.isInteger(exit)
      ? exit
      : typeof exit === 'string' && /^-?\d+$/.test(exit)
        ? Number(exit)
        : undefined;
  const tool = text(entry.tool);
  const version = text(entry.version);
  return {
    argv,
    ...(file ? { file } : {}),
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(tool ? { tool } : {}),
    ...(version ? { version } : {}),
  };
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  // YAML reads an unquoted timestamp as a Date.
  if (value instanceof Date && !Number.isNaN(value.getTime()))
    return value.toISOString().replace('.000Z', 'Z');
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
