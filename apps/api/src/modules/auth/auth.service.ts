import { Inject, Injectable } from '@nestjs/common';
import {
  ApiTokenRepository,
  SessionRepository,
  UserRepository,
  hashSecret,
  newSecret,
  type ApiTokenWithTeam,
  type SessionWithUser,
  verifyPassword,
} from '@netmortem/db';
import type { Actor } from '../../common/auth/actor.js';
import { AppError, AppErrorCode } from '../../common/errors/app.error.js';
import { API_CONFIG, type ApiEnv } from '../../config/api-config.js';

export const SESSION_COOKIE = 'nm_session';

/** Credentials a request can carry. */
export interface PresentedCredentials {
  readonly bearer?: string;
  readonly sessionCookie?: string;
}

export interface AuthenticatedCaller {
  readonly actor: Actor;
  readonly via: 'token' | 'session';
}

/** A dummy hash so unknown emails take as long as wrong passwords. */
const TIMING_DECOY =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

@Injectable()
export class AuthService {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
    @Inject(API_CONFIG) private readonly config: ApiEnv,
  ) {}

  /** Resolves the caller from a bearer token (preferred) or a session cookie. */
  async authenticate(credentials: PresentedCredentials): Promise<AuthenticatedCaller | null> {
    const now = new Date();
    if (credentials.bearer) {
      const token = await this.tokens.findActive(hashSecret(credentials.bearer), now);
      if (!token)
        throw new AppError(
          AppErrorCode.Unauthenticated,
          'the API token is unknown, revoked or expired',
        );
      // Recording every use would turn each read into a write; a minute's precision is plenty.
      if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
        await this.tokens.touch(token.id, now);
      }
      return { actor: tokenActor(token), via: 'token' };
    }
    if (credentials.sessionCookie) {
      const session = await this.sessions.findActive(hashSecret(credentials.sessionCookie), now);
      if (!session) return null;
      return { actor: sessionActor(session), via: 'session' };
    }
    return null;
  }

  /** Checks a person's password and opens a session; the caller sets the cookie. */
  async login(
    email: string,
    password: string,
    userAgent: string | undefined,
  ): Promise<{ secret: string; expiresAt: Date; actor: Actor }> {
    const user = await this.users.findByEmail(email);
    const valid = await verifyPassword(password, user?.passwordHash ?? TIMING_DECOY);
    if (!user || !valid || user.disabledAt) {
      throw new AppError(AppErrorCode.Unauthenticated, 'wrong email or password');
    }
    const secret = newSecret('nms');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.SESSION_TTL_HOURS * 3600_000);
    await this.sessions.create({
      userId: user.id,
      tokenHash: hashSecret(secret),
      expiresAt,
      ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}),
    });
    await this.users.recordLogin(user.id, now);
    const session = await this.sessions.findActive(hashSecret(secret), now);
    if (!session) throw new AppError(AppErrorCode.Internal, 'the new session vanished');
    return { secret, expiresAt, actor: sessionActor(session) };
  }

  async logout(sessionCookie: string): Promise<void> {
    await this.sessions.revoke(hashSecret(sessionCookie), new Date());
  }
}

function tokenActor(token: ApiTokenWithTeam): Actor {
  return {
    kind: 'token',
    id: token.id,
    teamId: token.teamId,
    teamName: token.team.name,
    role: token.role,
    displayName: token.name,
    userId: token.createdByUserId,
  };
}

function sessionActor(session: SessionWithUser): Actor {
  return {
    kind: 'user',
    id: session.user.id,
    teamId: session.user.teamId,
    teamName: session.user.team.name,
    role: session.user.role,
    displayName: session.user.email,
    userId: session.user.id,
  };
}
