import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import { z } from 'zod';
import { Public } from '../../common/auth/public.decorator.js';
import { requestIdOfRequest, type AppRequest } from '../../common/auth/request-context.js';
import { AppError, AppErrorCode } from '../../common/errors/app.error.js';
import { readCookie } from '../../common/http/cookies.js';
import { SchemaPipe } from '../../common/http/schema.pipe.js';
import { API_CONFIG, type ApiEnv } from '../../config/api-config.js';
import { AuditService } from '../audit/audit.service.js';
import { AuthService, SESSION_COOKIE } from './auth.service.js';

const loginSchema = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});

/**
 * Sign-in for people. JSON only: a cross-site form cannot send application/json without a
 * CORS preflight, which this API never grants, so login CSRF is off the table.
 */
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    @Inject(API_CONFIG) private readonly config: ApiEnv,
  ) {}

  @Public()
  @UseGuards(ThrottlerGuard)
  @Throttle({ default: { limit: 10, ttl: 60_000 } })
  @Post('login')
  @HttpCode(200)
  async login(
    @Req() request: AppRequest,
    @Res({ passthrough: true }) response: Response,
    @Body(new SchemaPipe(loginSchema, 'body')) body: z.infer<typeof loginSchema>,
  ): Promise<{ user: { email: string; team: string; role: string } }> {
    requireJson(request);
    const session = await this.auth.login(body.email, body.password, request.headers['user-agent']);
    response.cookie(SESSION_COOKIE, session.secret, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secureCookies(request),
      path: '/',
      expires: session.expiresAt,
    });
    await this.audit.record(
      session.actor,
      'auth.login',
      { type: 'user', id: session.actor.id },
      requestIdOfRequest(request),
    );
    return {
      user: {
        email: session.actor.displayName,
        team: session.actor.teamName,
        role: session.actor.role,
      },
    };
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(
    @Req() request: AppRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    requireJson(request);
    const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (cookie) await this.auth.logout(cookie);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  private secureCookies(request: AppRequest): boolean {
    if (this.config.COOKIE_SECURE === 'auto') return request.secure;
    return this.config.COOKIE_SECURE === 'true';
  }
}

function requireJson(request: AppRequest): void {
  if (!request.is('application/json')) {
    throw new AppError(AppErrorCode.UnsupportedMediaType, 'send the body as application/json');
  }
}
