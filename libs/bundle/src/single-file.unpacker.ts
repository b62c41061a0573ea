import { READ_CHUNK_BYTES } from './unpack-limits.js';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { ByteTap } from './byte-tap.js';
import { deliverEntry } from './entry-delivery.js';
import { singleFileEntryName } from './entry-path.js';
import { inflationLayer } from './inflation-layer.js';
import { sourceReadFailure } from './source-failure.js';
import { chainSource } from './stream-source.js';
import type { UnpackSession } from './unpack-session.js';

/**
 * A bundle that is one file: delivered as one entry named after the upload. A gzip file is
 * decompressed; that is its one level, so a .gz inside it stays compressed (opaque).
 */
export async function unpackSingleFile(
  session: UnpackSession,
  gzipped: boolean,
  fileSize: number,
): Promise<void> {
  const name = singleFileEntryName(session.bundle, gzipped);
  session.countMember(name);
  const path = session.normalise(name);
  if (!gzipped) session.budget.admitDeclaredSize(path, fileSize);
  const source = chainSource(
    session,
    () => [
      createReadStream(session.source.path, { highWaterMark: READ_CHUNK_BYTES }),
      new ByteTap((count) => session.budget.noteSourceBytes(count)),
      ...(gzipped ? inflationLayer(session.budget, createGunzip()) : []),
    ],
    (error) => sourceReadFailure(session, error, gzipped ? 'gzip' : 'file'),
  );
  await deliverEntry(session, {
    ...source,
    path,
    gunzipNested: false,
    ...(gzipped ? {} : { declaredSize: fileSize }),
  });
}
