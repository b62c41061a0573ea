export interface RuleToken {
  readonly text: string;
  /** Quoted tokens are always values, even when they start with `-` or `!`. */
  readonly quoted: boolean;
}

export interface TokenizedRule {
  readonly tokens: RuleToken[];
  /** Set when a quote was left open: the line was cut or mangled. */
  readonly unterminatedQuote: boolean;
}

/**
 * Splits a rule line the way iptables-restore does: whitespace separates words, double or
 * single quotes group them, and a backslash escapes the next character (iptables-save writes
 * `--comment "say \"hi\""`). Linear in the line's length.
 */
export function tokenizeRule(line: string): TokenizedRule {
  const tokens: RuleToken[] = [];
  let current = '';
  let inToken = false;
  let quoted = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i] ?? '';
    if (c === '\\' && i + 1 < line.length) {
      current += line[i + 1];
      inToken = true;
      i += 1;
    } else if (quote) {
      if (c === quote) quote = undefined;
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      quoted = true;
      inToken = true;
    } else if (c === ' ' || c === '\t') {
      if (inToken) tokens.push({ text: current, quoted });
      current = '';
      inToken = false;
      quoted = false;
    } else {
      current += c;
      inToken = true;
    }
  }
  if (inToken) tokens.push({ text: current, quoted });
  return { tokens, unterminatedQuote: quote !== undefined };
}
