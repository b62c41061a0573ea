import { HttpException, HttpStatus } from '@nestjs/common';
import { isBadInputError } from '@netmortem/domain';
import { ObjectTooLargeError } from '@netmortem/storage';
import { AppError, AppErrorCode } from './app.error.js';

export interface MappedError {
  readonly status: number;
  readonly code: AppErrorCode;
  /** Safe to show: our own messages; internal failures get a generic one. */
  readonly message: string;
  readonly expose: boolean;
}

const STATUS_OF: Readonly<Record<AppErrorCode, number>> = {
  [AppErrorCode.Unauthenticated]: HttpStatus.UNAUTHORIZED,
  [AppErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [AppErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [AppErrorCode.BadUserInput]: HttpStatus.BAD_REQUEST,
  [AppErrorCode.Conflict]: HttpStatus.CONFLICT,
  [AppErrorCode.PayloadTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [AppErrorCode.UnsupportedMediaType]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [AppErrorCode.TooManyRequests]: HttpStatus.TOO_MANY_REQUESTS,
  [AppErrorCode.ServiceUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [AppErrorCode.Internal]: HttpStatus.INTERNAL_SERVER_ERROR,
};

const CODE_OF_STATUS: Readonly<Record<number, AppErrorCode>> = Object.fromEntries(
  Object.entries(STATUS_OF).map(([code, status]) => [status, code as AppErrorCode]),
);

/** The one place that decides what a thrown error means to a client. */
export function mapError(error: unknown): MappedError {
  if (error instanceof AppError) {
    return {
      status: STATUS_OF[error.appCode],
      code: error.appCode,
      message: error.message,
      expose: true,
    };
  }
  if (error instanceof ObjectTooLargeError) {
    return {
      status: 413,
      code: AppErrorCode.PayloadTooLarge,
      message: error.message,
      expose: true,
    };
  }
  if (isBadInputError(error)) {
    return { status: 400, code: AppErrorCode.BadUserInput, message: error.message, expose: true };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return {
      status,
      code:
        CODE_OF_STATUS[status] ??
        (status < 500 ? AppErrorCode.BadUserInput : AppErrorCode.Internal),
      message: error.message,
      expose: status < 500,
    };
  }
  return { status: 500, code: AppErrorCode.Internal, message: 'internal error', expose: false };
}
