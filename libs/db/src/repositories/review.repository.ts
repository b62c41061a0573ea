import type { FindingReview, PrismaClient, ReviewVerdict } from '../generated/prisma/client.js';

export class ReviewRepository {
  constructor(private readonly db: PrismaClient) {}

  /** One review per reviewer and finding: reviewing again replaces the earlier verdict. */
  upsert(review: {
    teamId: string;
    findingId: string;
    reviewer: string;
    verdict: ReviewVerdict;
    note: string;
  }): Promise<FindingReview> {
    const { findingId, reviewer, verdict, note } = review;
    return this.db.findingReview.upsert({
      where: { findingId_reviewer: { findingId, reviewer } },
      create: review,
      update: { verdict, note },
    });
  }

  listByFinding(teamId: string, findingId: string): Promise<FindingReview[]> {
    return this.db.findingReview.findMany({
      where: { teamId, findingId },
      orderBy: { createdAt: 'asc' },
    });
  }
}
