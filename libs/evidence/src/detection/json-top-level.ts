/**
 * The top-level keys of a JSON object document, read without parsing it: the head may end in
 * the middle of the document, and a manifest or `nft -j` dump is recognised by its first keys.
 * Scanning stops where the first top-level object closes, so a JSON-lines log costs one line,
 * and at fixed limits (characters, depth, keys), so a large document costs no more than a
 * small one.
 */
export interface JsonTopLevel {
  readonly keys: ReadonlySet<string>;
  /** Top-level keys whose value is a string, with that value (capped at MAX_VALUE_CHARS). */
  readonly stringValues: ReadonlyMap<string, string>;
  /** True when the scan stopped (end of text or a limit) before the top-level object closed. */
  readonly truncated: boolean;
}

const MAX_KEYS = 256;
const MAX_VALUE_CHARS = 256;
const MAX_SCAN_CHARS = 16384;
// Manifests are shallow; deeper nesting is not something this scan needs to follow.
const MAX_DEPTH = 32;

export function scanTopLevelJson(text: string): JsonTopLevel | undefined {
  const start = text.search(/\S/);
  if (start < 0 || text.charCodeAt(start) !== 0x7b /* { */) return undefined;
  const limit = Math.min(text.length, start + MAX_SCAN_CHARS);
  const keys = new Set<string>();
  const stringValues = new Map<string, string>();
  let depth = 1;
  let lastString: string | undefined;
  let awaitingValueOf: string | undefined;
  let i = start + 1;
  while (i < limit && depth > 0 && depth <= MAX_DEPTH && keys.size < MAX_KEYS) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Strings are skipped in native code: most of a manifest's characters are inside them.
      const end = stringEnd(text, i + 1, limit);
      if (depth === 1) {
        const value = text.slice(i + 1, Math.min(end, i + 1 + MAX_VALUE_CHARS));
        if (awaitingValueOf !== undefined) stringValues.set(awaitingValueOf, value);
        else lastString = value;
        awaitingValueOf = undefined;
      }
      i = end + 1;
      continue;
    }
    if (c === 0x3a /* : */) {
      if (depth === 1 && lastString !== undefined) {
        keys.add(lastString);
        awaitingValueOf = lastString;
      }
      lastString = undefined;
    } else if (c === 0x7b || c === 0x5b /* { [ */) {
      depth++;
      awaitingValueOf = undefined;
    } else if (c === 0x7d || c === 0x5d /* } ] */) {
      depth--;
    } else if (!isWhitespace(c)) {
      // A number, literal or comma: whatever was pending is not a string value or a key.
      awaitingValueOf = undefined;
      lastString = undefined;
    }
    i++;
  }
  return { keys, stringValues, truncated: depth !== 0 };
}

function stringEnd(text: string, from: number, limit: number): number {
  let quote = text.indexOf('"', from);
  while (quote >= 0 && quote < limit) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return limit;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
