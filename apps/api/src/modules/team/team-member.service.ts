import { Injectable } from '@nestjs/common';
import { UserRepository, type DbUser } from '@netmortem/db';
import type { Actor } from '../../common/auth/actor.js';
import type { TeamMember } from './models/team-member.model.js';

@Injectable()
export class TeamMemberService {
  constructor(private readonly users: UserRepository) {}

  /**
   * The caller's team, oldest member first. Admins manage people, so they also see who was
   * disabled and when each person last signed in; members see their active colleagues.
   */
  async list(actor: Actor): Promise<TeamMember[]> {
    const isAdmin = actor.role === 'ADMIN';
    const rows = await this.users.listByTeam(actor.teamId);
    return rows
      .filter((row) => isAdmin || row.disabledAt === null)
      .map((row) => toTeamMember(row, isAdmin));
  }
}

function toTeamMember(row: DbUser, isAdmin: boolean): TeamMember {
  return {
    id: row.id,
    email: row.email,
    name: row.displayName,
    role: row.role,
    createdAt: row.createdAt,
    lastLoginAt: isAdmin ? row.lastLoginAt : null,
    disabledAt: row.disabledAt,
  };
}
