import { BadInputError } from '@netmortem/domain';

/** What `collect.sh` is asked to gather; every field maps to one of its options. */
export interface CollectOptions {
  /** Archive file, or an existing directory to write it into (default: the working directory). */
  readonly output?: string;
  /** How long conntrack events and the capture run, in whole seconds (default 30). */
  readonly durationSeconds?: number;
  /** tcpdump filter expression. */
  readonly filter?: string;
  /** Capture interface (default `any`). */
  readonly interface?: string;
  /** Bytes kept per packet; 0 keeps whole packets (default), 128 keeps headers only. */
  readonly snaplen?: number;
  /** Capture size cap in MiB (default 200). */
  readonly maxCaptureMiB?: number;
  /** Named network namespace every command runs in (`ip netns exec`). */
  readonly netns?: string;
  /** What the namespace is, for the manifest, e.g. `pod:shop/orders-7d9f8b6c5-x2x7q`. */
  readonly label?: string;
  /** Set false to skip the tcpdump capture. */
  readonly capture?: boolean;
  /** Set false to skip the conntrack -E event stream. */
  readonly events?: boolean;
}

// The script checks these too; checking here gives the caller a typed error before a spawn.
const INTERFACE = /^[A-Za-z0-9_.:@-]+$/;
const NETNS = /^[A-Za-z0-9_.-]+$/;

/** The script's command-line arguments for these options. Throws BadInputError on bad values. */
export function collectScriptArguments(options: CollectOptions): string[] {
  const args: string[] = [];
  if (options.output !== undefined) args.push('--output', nonEmpty('output', options.output));
  if (options.durationSeconds !== undefined) {
    args.push(
      '--duration',
      String(wholeNumber('durationSeconds', options.durationSeconds, 1, 86_400)),
    );
  }
  if (options.filter !== undefined && options.filter.trim() !== '')
    args.push('--filter', options.filter);
  if (options.interface !== undefined) {
    args.push('--interface', matching('interface', options.interface, INTERFACE));
  }
  if (options.snaplen !== undefined) {
    args.push('--snaplen', String(wholeNumber('snaplen', options.snaplen, 0, 262_144)));
  }
  if (options.maxCaptureMiB !== undefined) {
    args.push(
      '--max-size',
      String(wholeNumber('maxCaptureMiB', options.maxCaptureMiB, 1, 1_048_576)),
    );
  }
  if (options.netns !== undefined) args.push('--netns', matching('netns', options.netns, NETNS));
  if (options.label !== undefined) args.push('--label', options.label);
  if (options.capture === false) args.push('--no-capture');
  if (options.events === false) args.push('--no-events');
  return args;
}

function wholeNumber(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(name, `must be a whole number from ${min} to ${max}, not ${value}`);
  }
  return value;
}

function matching(name: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw invalid(name, `is not a plain name: ${JSON.stringify(value)}`);
  return value;
}

function nonEmpty(name: string, value: string): string {
  if (value === '') throw invalid(name, 'must not be empty');
  return value;
}

function invalid(name: string, problem: string): BadInputError {
  return new BadInputError(
    'COLLECT_OPTION_INVALID',
    `collect option ${name} ${problem}`,
    undefined,
    {
      option: name,
    },
  );
}
