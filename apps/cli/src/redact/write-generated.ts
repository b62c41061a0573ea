import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/** Writes what a generator yields to a new file, with backpressure; returns its result. */
export async function writeGenerated<R>(
  generator: AsyncGenerator<Uint8Array, R, undefined>,
  destination: string,
): Promise<R> {
  const out = createWriteStream(destination, { flags: 'wx' });
  try {
    let step = await generator.next();
    while (!step.done) {
      if (!out.write(step.value)) await once(out, 'drain');
      step = await generator.next();
    }
    out.end();
    await finished(out);
    return step.value;
  } catch (error) {
    out.destroy();
    throw error;
  }
}
