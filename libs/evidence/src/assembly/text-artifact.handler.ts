import type { EvidenceSet } from '@netmortem/domain';
import { parseTextArtifact, type TextArtifactParser } from '../parsers/text-artifact-parser.js';
import type { ArtifactHandler, ArtifactInput, HandlerResult } from './artifact-handler.js';

/** Adapts a text parser to the evidence: parse the stream, then put the value in its place. */
export function textArtifactHandler<T>(
  parser: TextArtifactParser<T>,
  store: (value: T, evidence: EvidenceSet) => void,
  options: { maxLineBytes?: number } = {},
): ArtifactHandler {
  return {
    kinds: parser.kinds,
    async read(input: ArtifactInput, evidence: EvidenceSet): Promise<HandlerResult> {
      const outcome = await parseTextArtifact(parser, input.stream, input.path, {
        ...(input.onBytes ? { onProgress: input.onBytes } : {}),
        ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}),
      });
      if (!parser.isEmpty(outcome.value)) store(outcome.value, evidence);
      return { status: outcome.status, issues: outcome.issues, unitsRead: outcome.unitsRead };
    },
  };
}
