import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes bytes through unchanged, reporting each chunk's size; a throwing reporter (a limit
 * was hit) fails the stream, which tears its pipeline down.
 */
export class ByteTap extends Transform {
  constructor(private readonly report: (count: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.report(chunk.length);
    } catch (error) {
      done(error as Error);
      return;
    }
    done(null, chunk);
  }
}
