import type { ArtifactKind, ParseOutcome, ParseStatus } from '@netmortem/domain';
import { IssueCollector } from '../text/issue-collector.js';
import {
  readLines,
  readTextLines,
  type LineConsumer,
  type LineReadOptions,
} from '../text/line-reader.js';

export interface TextParseLimits {
  /** Items kept (entries, events, log lines); beyond it the rest is counted, not kept. Default 1,000,000. */
  readonly maxItems: number;
}

export const DEFAULT_TEXT_PARSE_LIMITS: TextParseLimits = { maxItems: 1_000_000 };

/** One artifact being parsed: it receives lines and, at the end, yields its value. */
export interface TextParseRun<T> extends LineConsumer {
  finish(): T;
}

/**
 * A parser for one text artifact kind. `start` is called once per artifact; the run it
 * returns sees every line in order and reports problems to `issues` instead of throwing.
 */
export interface TextArtifactParser<T> {
  readonly kinds: readonly ArtifactKind[];
  start(context: {
    artifact: string;
    issues: IssueCollector;
    limits: TextParseLimits;
  }): TextParseRun<T>;
  /** Whether the value holds anything (decides `failed` when nothing could be read). */
  isEmpty(value: T): boolean;
}

/** Streams an artifact through a parser with bounded line lengths and collects the outcome. */
export async function parseTextArtifact<T>(
  parser: TextArtifactParser<T>,
  source: AsyncIterable<Uint8Array>,
  artifact: string,
  options: LineReadOptions & { limits?: Partial<TextParseLimits> } = {},
): Promise<ParseOutcome<T>> {
  const issues = new IssueCollector(artifact);
  const run = parser.start({
    artifact,
    issues,
    limits: { ...DEFAULT_TEXT_PARSE_LIMITS, ...options.limits },
  });
  const lines = await readLines(source, run, issues, options);
  return outcome(parser, run.finish(), artifact, issues, lines);
}

/** The same for text already in memory (tests, small inputs). */
export function parseText<T>(
  parser: TextArtifactParser<T>,
  text: string,
  artifact = 'input.txt',
  limits: Partial<TextParseLimits> = {},
): ParseOutcome<T> {
  const issues = new IssueCollector(artifact);
  const run = parser.start({
    artifact,
    issues,
    limits: { ...DEFAULT_TEXT_PARSE_LIMITS, ...limits },
  });
  const lines = readTextLines(text, run);
  return outcome(parser, run.finish(), artifact, issues, lines);
}

function outcome<T>(
  parser: TextArtifactParser<T>,
  value: T,
  artifact: string,
  issues: IssueCollector,
  unitsRead: number,
): ParseOutcome<T> {
  const empty = parser.isEmpty(value);
  const status: ParseStatus =
    empty && issues.count > 0 ? 'failed' : issues.count > 0 ? 'partial' : 'parsed';
  return { artifact, status, value, issues: issues.list(), unitsRead };
}
