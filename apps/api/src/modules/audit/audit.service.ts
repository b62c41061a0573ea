import { Injectable } from '@nestjs/common';
import { AuditRepository } from '@netmortem/db';
import type { Actor } from '../../common/auth/actor.js';

/** Records who changed what, for the team's admins (issue 7 builds the reader). */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  async record(
    actor: Actor,
    action: string,
    target: { type: string; id: string },
    requestId: string,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    await this.audit.record({
      teamId: actor.teamId,
      actorKind: actor.kind === 'user' ? 'USER' : 'TOKEN',
      actorId: actor.id,
      action,
      targetType: target.type,
      targetId: target.id,
      data,
      requestId,
    });
  }
}
