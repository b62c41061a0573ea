import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { requestIdOfRequest, type AppRequest } from '../auth/request-context.js';
import { mapError } from './error-mapping.js';

/** REST errors as `{ error, message, requestId }`; GraphQL errors go through formatGraphqlError. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<AppRequest>();
    const mapped = mapError(exception);
    if (!mapped.expose) this.logger.error({ err: exception }, 'request failed');
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(mapped.status).json({
      error: mapped.code,
      message: mapped.message,
      requestId: requestIdOfRequest(request),
    });
  }
}
