import type { ArtifactKind } from '@netmortem/domain';
import type { NameHarvester } from './name-harvester.js';

/** Lines longer than this are looked at in pieces (names sit in short fields anyway). */
const MAX_LINE = 1024 * 1024;

/** Feeds every line of a text artifact to the harvester; memory stays bounded. */
export async function harvestNames(
  source: AsyncIterable<Uint8Array>,
  kind: ArtifactKind,
  harvester: NameHarvester,
): Promise<void> {
  let pending = '';
  for await (const chunk of source) {
    const text =
      pending + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      harvester.line(text.slice(start, nl), kind);
      start = nl + 1;
    }
    pending = text.slice(start);
    if (pending.length > MAX_LINE) {
      harvester.line(pending, kind);
      pending = '';
    }
  }
  if (pending.length > 0) harvester.line(pending, kind);
}
