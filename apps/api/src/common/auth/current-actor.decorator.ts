import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AppError, AppErrorCode } from '../errors/app.error.js';
import type { Actor } from './actor.js';
import { actorOf, requestIdOf } from './request-context.js';

/** The authenticated caller; the global AuthGuard guarantees one on non-public routes. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = actorOf(context);
  if (!actor) throw new AppError(AppErrorCode.Unauthenticated, 'sign in or send an API token');
  return actor;
});

/** The id of the request (or subscription) being served, for logs and queued jobs. */
export const RequestId = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  requestIdOf(context),
);
