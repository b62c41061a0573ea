import type { PrismaClient, RootCause } from '../generated/prisma/client.js';

export interface BuiltinRootCause {
  readonly slug: string;
  readonly title: string;
  readonly summary: string;
  readonly definition: Record<string, unknown>;
}

export class RootCauseRepository {
  constructor(private readonly db: PrismaClient) {}

  /**
   * Writes the shipped catalogue into the table. ON CONFLICT relies on the
   * NULLS NOT DISTINCT unique key, so built-ins (team_id NULL) update in place.
   */
  async syncBuiltins(entries: readonly BuiltinRootCause[], at: Date): Promise<void> {
    for (const entry of entries) {
      await this.db.$executeRaw`
        INSERT INTO root_causes (team_id, slug, title, summary, definition, builtin, status, published_at, updated_at)
        VALUES (NULL, ${entry.slug}, ${entry.title}, ${entry.summary},
                ${JSON.stringify(entry.definition)}::jsonb, true, 'published', ${at}, ${at})
        ON CONFLICT (team_id, slug) DO UPDATE
          SET title = EXCLUDED.title,
              summary = EXCLUDED.summary,
              definition = EXCLUDED.definition,
              updated_at = EXCLUDED.updated_at
          WHERE root_causes.definition IS DISTINCT FROM EXCLUDED.definition
             OR root_causes.title IS DISTINCT FROM EXCLUDED.title
             OR root_causes.summary IS DISTINCT FROM EXCLUDED.summary`;
    }
  }

  /** Built-in entries plus the team's own, the team's first when a slug exists in both. */
  listVisible(teamId: string): Promise<RootCause[]> {
    return this.db.rootCause.findMany({
      where: { OR: [{ teamId: null }, { teamId }] },
      orderBy: [{ builtin: 'desc' }, { slug: 'asc' }],
    });
  }

  async findVisible(teamId: string, slug: string): Promise<RootCause | null> {
    const rows = await this.db.rootCause.findMany({
      where: { slug, OR: [{ teamId: null }, { teamId }] },
    });
    return rows.find((row) => row.teamId === teamId) ?? rows[0] ?? null;
  }
}
