import { closeSync, openSync, readSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

const CHUNK_BYTES = 1024 * 1024;
const YIELD_EVERY_BYTES = 64 * 1024 * 1024;
// Detection may hold the first chunk while the next is read: three is ample.
const ROTATION = 3;

/**
 * A local file as chunks read synchronously. For a CLI reading a capture from local disk the
 * thread-pool round trip of each asynchronous read costs more than it overlaps (a quarter of
 * the run, measured on a 1 GiB capture); the event loop still gets a turn every 64 MiB.
 * Buffers are reused in rotation: every reader in netmortem copies what it keeps before it
 * asks for the next chunk (kind detection holds the first chunks only until it replays them),
 * and reusing them spares the garbage collector a megabyte per read.
 */
export async function* localFileChunks(
  path: string,
  /** Awaited before each read: lets a slow consumer of the output hold the reading back. */
  pace?: () => Promise<void>,
): AsyncGenerator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    let sinceYield = 0;
    const buffers = Array.from({ length: ROTATION }, () => Buffer.allocUnsafe(CHUNK_BYTES));
    for (let index = 0; ; index += 1) {
      if (pace) await pace();
      const chunk = buffers[index % ROTATION]!;
      const bytesRead = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      sinceYield += bytesRead;
      if (sinceYield >= YIELD_EVERY_BYTES) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
      yield bytesRead === CHUNK_BYTES ? chunk : chunk.subarray(0, bytesRead);
    }
  } finally {
    closeSync(fd);
  }
}
