/**
 * `nft -j` rules rendered back into the text syntax, so one translator serves both outputs.
 * Only the expression shapes nft itself emits are known; anything else renders as a quoted
 * JSON string, which the translator keeps as an opaque `nft` match.
 */
export function renderJsonStatement(statement: unknown): string {
  if (!isRecord(statement)) return opaque(statement);
  const [kind, body] = Object.entries(statement)[0] ?? [];
  switch (kind) {
    case 'match': {
      if (!isRecord(body)) return opaque(statement);
      const op = body.op === '==' || body.op === 'in' ? '' : `${str(body.op)} `;
      return `${renderExpr(body.left)} ${op}${renderValue(body.right, body.op === 'in')}`;
    }
    case 'counter':
      return isRecord(body) && 'packets' in body
        ? `counter packets ${num(body.packets)} bytes ${num(body.bytes)}`
        : 'counter';
    case 'accept':
    case 'drop':
    case 'return':
    case 'continue':
    case 'notrack':
    case 'masquerade':
      return isRecord(body) ? `${kind}${natTail(body)}` : kind;
    case 'jump':
    case 'goto':
      return isRecord(body) ? `${kind} ${str(body.target)}` : opaque(statement);
    case 'reject':
      if (!isRecord(body)) return 'reject';
      if (body.type === 'tcp reset') return 'reject with tcp reset';
      return body.expr !== undefined
        ? `reject with ${str(body.type, 'icmpx')} type ${str(body.expr)}`
        : 'reject';
    case 'dnat':
    case 'snat': {
      if (!isRecord(body)) return kind;
      const family = typeof body.family === 'string' ? ` ${body.family}` : '';
      const addr = body.addr === undefined ? '' : renderNatAddress(body.addr);
      const port = body.port === undefined ? '' : `:${renderValue(body.port, false)}`;
      return `${kind}${family} to ${addr}${port}${flagTail(body.flags)}`;
    }
    case 'redirect':
      return isRecord(body) ? `redirect${natTail(body)}` : 'redirect';
    case 'log': {
      if (!isRecord(body)) return 'log';
      const parts = ['log'];
      if (typeof body.prefix === 'string') parts.push(`prefix "${body.prefix}"`);
      if (body.level !== undefined) parts.push(`level ${str(body.level)}`);
      if (body.group !== undefined) parts.push(`group ${num(body.group)}`);
      return parts.join(' ');
    }
    case 'limit':
      return isRecord(body)
        ? `limit rate ${body.inv ? 'over ' : ''}${num(body.rate)}/${str(body.per, 'second')}${body.burst ? ` burst ${num(body.burst)} packets` : ''}`
        : 'limit';
    case 'mangle':
      return isRecord(body)
        ? `${renderExpr(body.key)} set ${renderValue(body.value, false)}`
        : opaque(statement);
    case 'xt':
      return isRecord(body) ? `xt ${str(body.type)} ${str(body.name)}` : opaque(statement);
    case 'vmap':
      return isRecord(body)
        ? `${renderExpr(body.key)} vmap ${renderValue(body.data, false)}`
        : opaque(statement);
    case 'tproxy':
      return isRecord(body)
        ? `tproxy to ${body.addr === undefined ? '' : str(body.addr)}${body.port === undefined ? '' : `:${num(body.port)}`}`
        : 'tproxy';
    case undefined:
    default:
      return opaque(statement);
  }
}

function natTail(body: Record<string, unknown>): string {
  const port = body.port === undefined ? '' : ` to :${renderValue(body.port, false)}`;
  return `${port}${flagTail(body.flags)}`;
}

function flagTail(flags: unknown): string {
  if (typeof flags === 'string') return ` ${flags}`;
  return Array.isArray(flags) && flags.length > 0 ? ` ${flags.map(String).join(',')}` : '';
}

function renderNatAddress(addr: unknown): string {
  if (isRecord(addr) && isRecord(addr.map))
    return `${renderExpr(addr.map.key)} map ${renderValue(addr.map.data, false)}`;
  return renderValue(addr, false);
}

function renderExpr(expr: unknown): string {
  if (!isRecord(expr)) return renderValue(expr, false);
  const [kind, body] = Object.entries(expr)[0] ?? [];
  if (!isRecord(body) && !Array.isArray(body)) return opaque(expr);
  switch (kind) {
    case 'payload':
      return isRecord(body) ? `${str(body.protocol)} ${str(body.field)}` : opaque(expr);
    case 'meta':
      return isRecord(body) ? `meta ${str(body.key)}` : opaque(expr);
    case 'ct':
      return isRecord(body)
        ? `ct ${body.dir ? `${str(body.dir)} ` : ''}${str(body.key)}`
        : opaque(expr);
    case 'fib':
      return isRecord(body)
        ? `fib ${(Array.isArray(body.flags) ? body.flags : [body.flags]).map(String).join(' . ')} ${str(body.result)}`
        : opaque(expr);
    case 'numgen':
      return isRecord(body)
        ? `numgen ${str(body.mode)} mod ${num(body.mod)}${body.offset ? ` offset ${num(body.offset)}` : ''}`
        : opaque(expr);
    case 'socket':
      return isRecord(body) ? `socket ${str(body.key)}` : opaque(expr);
    case 'tcp option':
      return isRecord(body) ? `tcp option ${str(body.name)} ${str(body.field)}` : opaque(expr);
    case '&':
    case '|':
      return Array.isArray(body)
        ? `${renderExpr(body[0])} ${kind} ${renderValue(body[1], false)}`
        : opaque(expr);
    case undefined:
    default:
      return opaque(expr);
  }
}

function renderValue(value: unknown, list: boolean): string {
  if (typeof value === 'number') return str(value);
  if (typeof value === 'string')
    return /[\s"]/.test(value) ? `"${value.replace(/"/g, '')}"` : value;
  if (Array.isArray(value))
    return list
      ? value.map((v) => renderValue(v, false)).join(',')
      : `{ ${value.map((v) => renderValue(v, false)).join(', ')} }`;
  if (isRecord(value)) {
    if (Array.isArray(value.set)) {
      return `{ ${value.set.map((e) => (Array.isArray(e) ? `${renderValue(e[0], false)} : ${renderVerdict(e[1])}` : renderValue(e, false))).join(', ')} }`;
    }
    if (isRecord(value.prefix)) return `${String(value.prefix.addr)}/${num(value.prefix.len)}`;
    if (Array.isArray(value.range))
      return `${renderValue(value.range[0], false)}-${renderValue(value.range[1], false)}`;
    if (isRecord(value.map)) return renderNatAddress(value);
  }
  return opaque(value);
}

function renderVerdict(value: unknown): string {
  if (isRecord(value)) {
    const [kind, body] = Object.entries(value)[0] ?? [];
    if (kind && isRecord(body) && typeof body.target === 'string') return `${kind} ${body.target}`;
    if (kind) return kind;
  }
  return renderValue(value, false);
}

function num(value: unknown): string {
  return typeof value === 'number' ? str(value) : str(value, '');
}

function opaque(value: unknown): string {
  return `"${JSON.stringify(value ?? null).replace(/"/g, "'")}"`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : fallback;
}
