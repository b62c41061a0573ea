import { stat } from 'node:fs/promises';
import { unpackBundle } from '@netmortem/bundle';
import { createEvidenceCollector } from '@netmortem/evidence';
import type { EvidenceSet } from '@netmortem/domain';
import { ProgressBar } from '../output/progress-bar.js';

/**
 * Unpacks a bundle (archive, single file or directory) and reads every artifact into the
 * evidence, streaming: each entry is detected and parsed as the unpacker delivers it.
 */
export async function inspectBundle(
  target: string,
  options: { progress: boolean },
): Promise<EvidenceSet> {
  const info = await stat(target).catch(() => {
    throw new Error(`${target}: no such file or directory`);
  });
  const collector = createEvidenceCollector();
  const bar = new ProgressBar(
    info.isDirectory() ? 0 : info.size,
    'reading',
    process.stderr,
    options.progress && info.size > 64 * 1024 ** 2,
  );
  await unpackBundle(
    { path: target, originalName: target.split('/').pop() ?? target },
    async (entry) => {
      let seen = 0;
      await collector.add({
        path: entry.path,
        sizeBytes: entry.declaredSize ?? 0,
        stream: entry.stream,
        onBytes: (bytesRead) => {
          bar.advance(bytesRead - seen);
          seen = bytesRead;
        },
      });
    },
  );
  bar.finish();
  return collector.finish();
}
