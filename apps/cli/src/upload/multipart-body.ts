import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

/**
 * A multipart/form-data body with one file field, produced as a stream so the file is
 * never held in memory (fetch's FormData would need a Blob for a generated archive).
 */
export function multipartBody(
  field: string,
  filename: string,
  file: Readable,
): { contentType: string; body: AsyncIterable<Uint8Array> } {
  const boundary = `----netmortem${randomBytes(12).toString('hex')}`;
  const safeName = filename.replace(/["\r\n\\]/g, '_');
  async function* generate(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${safeName}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    for await (const chunk of file) yield chunk as Buffer;
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: generate() };
}
