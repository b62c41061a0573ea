import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../../common/auth/public.decorator.js';
import { graphqlContextOf, type AppRequest } from '../../common/auth/request-context.js';
import { AppError, AppErrorCode } from '../../common/errors/app.error.js';
import { readCookie } from '../../common/http/cookies.js';
import { AuthService, SESSION_COOKIE } from './auth.service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-netmortem-csrf';

/**
 * Global guard: every route and resolver needs a caller unless marked @Public. Tokens come
 * in the Authorization header; people use the session cookie. A cookie rides along on
 * cross-site requests, so a state-changing REST call authenticated by cookie must also
 * carry a custom header (which cross-site forms cannot send). GraphQL is covered by
 * Apollo's CSRF prevention, which has the same effect.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;

    if (context.getType<string>() === 'graphql') {
      const gql = graphqlContextOf(context);
      if (gql.actor) return true; // graphql-ws connections authenticate once, in onConnect
      if (!gql.req) throw unauthenticated();
      await this.authenticateRequest(gql.req, false);
      return true;
    }
    await this.authenticateRequest(context.switchToHttp().getRequest<AppRequest>(), true);
    return true;
  }

  private async authenticateRequest(request: AppRequest, enforceCsrf: boolean): Promise<void> {
    if (request.actor) return;
    const header = request.headers.authorization;
    const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (header && !bearer) {
      throw new AppError(AppErrorCode.Unauthenticated, 'Authorization must be "Bearer <token>"');
    }
    const caller = await this.auth.authenticate({
      ...(bearer ? { bearer } : {}),
      ...(bearer ? {} : { sessionCookie: readCookie(request.headers.cookie, SESSION_COOKIE) }),
    });
    if (!caller) throw unauthenticated();
    if (caller.via === 'session' && enforceCsrf && !SAFE_METHODS.has(request.method)) {
      if (!request.headers[CSRF_HEADER]) {
        throw new AppError(
          AppErrorCode.Forbidden,
          `cookie-authenticated ${request.method} requests must send the ${CSRF_HEADER} header`,
        );
      }
    }
    request.actor = caller.actor;
    request.authenticatedBy = caller.via;
  }
}

function unauthenticated(): AppError {
  return new AppError(
    AppErrorCode.Unauthenticated,
    'authentication required: send "Authorization: Bearer <token>" or sign in',
  );
}
