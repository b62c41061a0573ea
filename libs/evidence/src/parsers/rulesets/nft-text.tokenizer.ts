export interface NftToken {
  readonly text: string;
  /** `string`: was quoted; `group`: `{ … }` or `( … )`, text is the inside. */
  readonly kind: 'word' | 'string' | 'group';
}

/**
 * Splits one line of `nft list ruleset` into words, quoted strings and balanced `{ }` / `( )`
 * groups (anonymous sets, maps, verdict maps). Returns undefined when a quote or group is left
 * open. Linear in the line's length.
 */
export function tokenizeNft(line: string): NftToken[] | undefined {
  const tokens: NftToken[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      i += 1;
    } else if (c === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) return undefined;
      tokens.push({ text: line.slice(i + 1, end), kind: 'string' });
      i = end + 1;
    } else if (c === '{' || c === '(') {
      const close = c === '{' ? '}' : ')';
      let depth = 0;
      let j = i;
      for (; j < line.length; j += 1) {
        const d = line[j];
        if (d === '"') {
          const end = line.indexOf('"', j + 1);
          if (end < 0) return undefined;
          j = end;
        } else if (d === c) depth += 1;
        else if (d === close) {
          depth -= 1;
          if (depth === 0) break;
        }
      }
      if (j >= line.length) return undefined;
      tokens.push({ text: line.slice(i + 1, j).trim(), kind: 'group' });
      i = j + 1;
    } else {
      let j = i;
      while (j < line.length && !' \t"{('.includes(line[j] ?? ' ')) j += 1;
      tokens.push({ text: line.slice(i, j), kind: 'word' });
      i = j;
    }
  }
  return tokens;
}
