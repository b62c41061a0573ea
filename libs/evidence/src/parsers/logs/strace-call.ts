/** One call line's body, after the pid and time prefix. */
export type StraceBody =
  | {
      readonly kind: 'complete';
      readonly name: string;
      readonly args: string;
      readonly tail: StraceTail;
    }
  | { readonly kind: 'unfinished'; readonly name: string; readonly args: string }
  | {
      readonly kind: 'resumed';
      readonly name: string;
      readonly args: string;
      readonly tail: StraceTail;
    }
  | { readonly kind: 'noise' }
  | { readonly kind: 'unreadable' };

export interface StraceTail {
  readonly result: string;
  readonly errno?: string;
  readonly durationUs?: number;
}

const CALL = /^([a-z_][a-z0-9_]*)\(/;
const RESUMED = /^<\.\.\. ([a-z_][a-z0-9_]*) resumed>/;
const UNFINISHED = /\s*<unfinished \.\.\.>$/;
const TAIL = /^\s*= (.*?)(?: <(\d+)\.(\d{1,9})>)?$/;

export function parseStraceBody(body: string): StraceBody {
  // Signals, exits and strace's own notes carry no call.
  if (/^(?:--- |\+\+\+ |strace: )/.test(body)) return { kind: 'noise' };
  const resumed = RESUMED.exec(body);
  if (resumed) {
    const rest = body.slice(resumed[0].length);
    const close = closingParen(rest, 0);
    if (close < 0) return { kind: 'unreadable' };
    const tail = parseTail(rest.slice(close + 1));
    return tail
      ? { kind: 'resumed', name: resumed[1] ?? '', args: rest.slice(0, close).trim(), tail }
      : { kind: 'unreadable' };
  }
  const call = CALL.exec(body);
  if (!call) return { kind: 'unreadable' };
  const name = call[1] ?? '';
  const start = call[0].length;
  if (UNFINISHED.test(body)) {
    const close = closingParen(body, start);
    if (close < 0)
      return { kind: 'unfinished', name, args: body.slice(start).replace(UNFINISHED, '').trim() };
  }
  const close = closingParen(body, start);
  if (close < 0) return { kind: 'unreadable' };
  const tail = parseTail(body.slice(close + 1));
  return tail
    ? { kind: 'complete', name, args: body.slice(start, close), tail }
    : { kind: 'unreadable' };
}

function parseTail(text: string): StraceTail | undefined {
  const m = TAIL.exec(text);
  if (!m) return undefined;
  const result = (m[1] ?? '').trim();
  const errno = /^(?:-1|\?) (E[A-Z0-9]+)\b/.exec(result)?.[1];
  const durationUs =
    m[2] !== undefined
      ? Number(m[2]) * 1_000_000 + Number(((m[3] ?? '') + '000000').slice(0, 6))
      : undefined;
  return {
    result,
    ...(errno ? { errno } : {}),
    ...(durationUs !== undefined ? { durationUs } : {}),
  };
}

/**
 * Index of the parenthesis closing the argument list that starts at `from`, skipping quoted
 * strings (with escapes) and nested brackets; -1 when the line ends first (truncated).
 */
function closingParen(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') {
      i += 1;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= text.length) return -1;
    } else if (c === '(' || c === '{' || c === '[') {
      depth += 1;
    } else if (c === ')' || c === '}' || c === ']') {
      if (depth === 0) return c === ')' ? i : -1;
      depth -= 1;
    }
  }
  return -1;
}
