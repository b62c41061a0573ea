import { NetmortemError } from '@netmortem/domain';

/** The error codes API clients see (GraphQL `extensions.code`, REST `error`). */
export enum AppErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  BadUserInput = 'BAD_USER_INPUT',
  Conflict = 'CONFLICT',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  TooManyRequests = 'TOO_MANY_REQUESTS',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL_SERVER_ERROR',
}

/** Raised by API services; transports map it (one place each) to HTTP or GraphQL. */
export class AppError extends NetmortemError {
  constructor(
    readonly appCode: AppErrorCode,
    message: string,
    context: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(appCode, message, context, options);
  }
}

export const notFound = (what: string, id: string): AppError =>
  new AppError(AppErrorCode.NotFound, `${what} ${id} does not exist or belongs to another team`, {
    id,
  });
