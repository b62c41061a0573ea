import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { asError } from './error-reasons.js';
import type { UnpackSession } from './unpack-session.js';
import type { BundleError } from './bundle.error.js';

/** A member's stored bytes, as an iterable that only ever throws BundleErrors. */
export interface ByteSource {
  readonly bytes: AsyncIterable<Buffer>;
  /** Stops the source so a pending read settles; used when the unpack is failing. */
  readonly cancel: (reason: unknown) => void;
}

/**
 * Reads the last stream of a chain of node streams opened on demand. Failures are translated
 * once, where their origin is still known; the generator does not finish before every stream
 * of the chain is closed, so no file handle outlives the entry.
 */
export function chainSource(
  session: UnpackSession,
  open: () => Promise<Readable[]> | Readable[],
  translate: (error: unknown) => BundleError,
): ByteSource {
  let output: Readable | undefined;
  let cancelled: { reason: unknown } | undefined;

  async function* read(): AsyncGenerator<Buffer> {
    let flow: Promise<void> | undefined;
    try {
      if (cancelled) throw cancelled.reason;
      const chain = await open();
      const last = chain.at(-1);
      if (last === undefined) return;
      output = last;
      // Errors anywhere in the chain destroy `last`, so they surface in the loop below.
      flow = chain.length > 1 ? pipeline(chain).catch(() => undefined) : undefined;
      // cancel() may have run while the chain was being opened.
      const early = cancelled as { reason: unknown } | undefined;
      if (early) last.destroy(asError(early.reason));
      for await (const chunk of last as AsyncIterable<Buffer>) yield chunk;
    } catch (error) {
      throw session.fail(error, translate);
    } finally {
      output?.destroy();
      await flow;
    }
  }

  return {
    bytes: { [Symbol.asyncIterator]: read },
    cancel: (reason) => {
      cancelled = { reason };
      output?.destroy(asError(reason));
    },
  };
}
