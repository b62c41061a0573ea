/** Helpers to read the errors thrown by zlib, tar-stream, yauzl and fs, which share no type. */

export function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** zlib reports a stream that stops early as Z_BUF_ERROR "unexpected end of file". */
export function isZlibError(error: unknown): boolean {
  return errorCode(error)?.startsWith('Z_') ?? false;
}

export function isZlibTruncation(error: unknown): boolean {
  return errorCode(error) === 'Z_BUF_ERROR' || /unexpected end of file/i.test(reasonOf(error));
}

/** fs failures (ENOENT, EACCES, EISDIR...) are about the source, not its content. */
export function isFileSystemError(error: unknown): boolean {
  return /^E[A-Z]+$/.test(errorCode(error) ?? '');
}

/** Node streams and many APIs insist on an Error; onEntry may have thrown anything. */
export function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(reasonOf(reason));
}
