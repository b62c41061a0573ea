import { Injectable } from '@nestjs/common';
import {
  API_TOKEN_PREFIX,
  ApiTokenRepository,
  hashSecret,
  newSecret,
  secretPrefix,
  type DbApiToken,
  type TeamRole,
} from '@netmortem/db';
import type { Actor } from '../../common/auth/actor.js';
import { AppError, AppErrorCode, notFound } from '../../common/errors/app.error.js';
import { AuditService } from '../audit/audit.service.js';
import type { ApiToken, CreatedApiToken } from './models/api-token.model.js';

@Injectable()
export class ApiTokenService {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly audit: AuditService,
  ) {}

  async create(
    actor: Actor,
    input: { name: string; role: TeamRole; expiresInDays: number | null },
    requestId: string,
  ): Promise<CreatedApiToken> {
    if (input.role === 'ADMIN' && actor.role !== 'ADMIN') {
      throw new AppError(AppErrorCode.Forbidden, 'only team admins can create admin tokens');
    }
    const secret = newSecret(API_TOKEN_PREFIX);
    const row = await this.tokens.create({
      teamId: actor.teamId,
      createdByUserId: actor.userId,
      name: input.name,
      tokenPrefix: secretPrefix(secret),
      tokenHash: hashSecret(secret),
      role: input.role,
      expiresAt: input.expiresInDays
        ? new Date(Date.now() + input.expiresInDays * 86_400_000)
        : null,
    });
    await this.audit.record(
      actor,
      'api-token.create',
      { type: 'api-token', id: row.id },
      requestId,
      {
        name: row.name,
        role: row.role,
      },
    );
    return { token: toApiToken(row), secret };
  }

  async list(actor: Actor): Promise<ApiToken[]> {
    return (await this.tokens.listByTeam(actor.teamId)).map(toApiToken);
  }

  /** Admins revoke any of the team's tokens; members only those they created. */
  async revoke(actor: Actor, id: string, requestId: string): Promise<ApiToken> {
    const token = await this.tokens.findInTeam(actor.teamId, id);
    if (!token) throw notFound('API token', id);
    if (actor.role !== 'ADMIN' && token.createdByUserId !== actor.userId) {
      throw new AppError(
        AppErrorCode.Forbidden,
        'only team admins can revoke tokens others created',
      );
    }
    const revoked = await this.tokens.revoke(actor.teamId, id, new Date());
    if (!revoked) throw notFound('API token', id);
    await this.audit.record(actor, 'api-token.revoke', { type: 'api-token', id }, requestId);
    return toApiToken(revoked);
  }
}

export function toApiToken(row: DbApiToken): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.tokenPrefix,
    role: row.role,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  };
}
