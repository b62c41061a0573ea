import type { ArtifactKind, EvidenceSet } from '@netmortem/domain';
import { parseTextArtifact, type TextArtifactParser } from '../parsers/text-artifact-parser.js';
import type { ArtifactHandler, ArtifactInput, HandlerResult } from './artifact-handler.js';

export interface TextHandlerOptions {
  /** For formats that are one long line (JSON documents). */
  readonly maxLineBytes?: number;
}

/**
 * Adapts a text parser to the evidence: parse the stream, then put the value in its place.
 * The parser module is loaded the first time its kind turns up, so a run that reads one
 * capture never pays for the dozen text parsers.
 */
export function textArtifactHandler<T>(
  kinds: readonly ArtifactKind[],
  load: () => Promise<TextArtifactParser<T>>,
  store: (value: T, evidence: EvidenceSet) => void,
  options: TextHandlerOptions = {},
): ArtifactHandler {
  let parser: Promise<TextArtifactParser<T>> | undefined;
  return {
    kinds,
    async read(input: ArtifactInput, evidence: EvidenceSet): Promise<HandlerResult> {
      parser ??= load();
      const ready = await parser;
      const outcome = await parseTextArtifact(ready, input.stream, input.path, {
        ...(input.onBytes ? { onProgress: input.onBytes } : {}),
        ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}),
      });
      if (!ready.isEmpty(outcome.value)) store(outcome.value, evidence);
      return { status: outcome.status, issues: outcome.issues, unitsRead: outcome.unitsRead };
    },
  };
}
