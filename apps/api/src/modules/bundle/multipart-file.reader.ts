import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { AppError, AppErrorCode } from '../../common/errors/app.error.js';

export interface ReceivedFile<T> {
  readonly filename: string;
  readonly result: T;
}

/**
 * Reads a multipart request that carries one file in the field `field`, handing its byte
 * stream to `consume` as it arrives (nothing is buffered whole). Other fields are ignored;
 * a second file, a missing file or a malformed body is an error naming the problem.
 */
export function receiveMultipartFile<T>(
  request: IncomingMessage,
  field: string,
  consume: (stream: Readable, filename: string) => Promise<T>,
): Promise<ReceivedFile<T>> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { files: 1, fields: 16, parts: 20, fieldSize: 64 * 1024 },
      });
    } catch {
      reject(
        new AppError(
          AppErrorCode.UnsupportedMediaType,
          `send the bundle as multipart/form-data in the field "${field}"`,
        ),
      );
      return;
    }
    let consuming: Promise<ReceivedFile<T>> | undefined;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      request.unpipe(parser);
      request.resume(); // drain what the client still sends, so the error response can be read
      reject(error);
    };

    parser.on('file', (name, stream, info) => {
      if (name !== field || consuming) {
        stream.resume();
        if (name === field)
          fail(new AppError(AppErrorCode.BadUserInput, `send exactly one file in "${field}"`));
        return;
      }
      const filename = sanitiseFilename(info.filename);
      consuming = consume(stream, filename).then((result) => ({ filename, result }));
      consuming.catch((error: unknown) => {
        stream.resume();
        fail(error instanceof Error ? error : new Error(String(error)));
      });
    });
    parser.on('filesLimit', () =>
      fail(new AppError(AppErrorCode.BadUserInput, `send exactly one file in "${field}"`)),
    );
    parser.on('error', (error: Error) =>
      fail(new AppError(AppErrorCode.BadUserInput, `malformed multipart body: ${error.message}`)),
    );
    parser.on('close', () => {
      if (settled) return;
      if (!consuming) {
        fail(
          new AppError(
            AppErrorCode.BadUserInput,
            `the multipart field "${field}" with the bundle is missing`,
          ),
        );
        return;
      }
      consuming.then(
        (received) => {
          if (settled) return;
          settled = true;
          resolve(received);
        },
        (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
      );
    });
    request.on('aborted', () =>
      fail(new AppError(AppErrorCode.BadUserInput, 'the client aborted the upload')),
    );
    request.pipe(parser);
  });
}

/** Keeps the last path segment, printable and bounded; names are shown, never used as paths. */
export function sanitiseFilename(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const printable = base
    // eslint-disable-next-line no-control-regex -- control characters are exactly what we strip
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 255);
  return printable.length > 0 ? printable : 'bundle';
}
