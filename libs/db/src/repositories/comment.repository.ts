import type { Comment, PrismaClient } from '../generated/prisma/client.js';

export class CommentRepository {
  constructor(private readonly db: PrismaClient) {}

  create(comment: {
    teamId: string;
    incidentId: string;
    author: string;
    body: string;
  }): Promise<Comment> {
    return this.db.comment.create({ data: comment });
  }

  listByIncident(teamId: string, incidentId: string): Promise<Comment[]> {
    return this.db.comment.findMany({
      where: { teamId, incidentId },
      orderBy: { createdAt: 'asc' },
    });
  }
}
