export interface SearchableEntry {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly symptoms: readonly string[];
}

/**
 * Entries whose id, title, summary or a symptom contains every word of the query, in the
 * order given. People search with what they see ("503 UC", "reset by peer"), so symptoms count.
 */
export function filterEntries<T extends SearchableEntry>(
  entries: readonly T[],
  query: string,
): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...entries];
  return entries.filter((entry) => {
    const haystack = [entry.id, entry.title, entry.summary, ...entry.symptoms]
      .join('\n')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** "0.83" → "83 %"; null when nobody has reviewed yet. */
export function formatRate(rate: number | null | undefined): string | null {
  return rate === null || rate === undefined ? null : `${Math.round(rate * 100)} %`;
}
