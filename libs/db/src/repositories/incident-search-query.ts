/**
 * Turns what someone typed into a PostgreSQL tsquery that matches every word as a prefix
 * ("conn reset" -> "conn:* & reset:*"). Only letters and digits survive, so no input can
 * make to_tsquery raise a syntax error. Null when nothing searchable is left.
 */
export function toPrefixTsQuery(input: string, maxWords = 8): string | null {
  const words = input
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .slice(0, maxWords);
  if (words.length === 0) return null;
  return words.map((word) => `${word}:*`).join(' & ');
}

/** Escapes LIKE wildcards so a substring match means exactly what was typed. */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
