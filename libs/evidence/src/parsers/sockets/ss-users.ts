import type { SocketProcess } from '@netmortem/domain';

export interface UsersField {
  readonly processes: SocketProcess[];
  /** Index just past the closing parenthesis. */
  readonly end: number;
}

const PREFIX = 'users:(';

/**
 * `users:(("envoy",pid=12,fd=45),("nginx: worker",pid=13,fd=3))` starting at `start`. Process
 * names are printed raw (spaces, commas and parentheses included), so a name runs to the `"`
 * followed by `,` or `)` rather than to the next space. iproute2 3.x printed `("sshd",1234,3)`.
 * Every search moves forward, so a line of a million broken fields still costs linear time
 * as long as the caller stops asking after the first failure.
 */
export function parseSsUsers(line: string, start: number): UsersField | undefined {
  if (!line.startsWith(PREFIX, start)) return undefined;
  const processes: SocketProcess[] = [];
  let position = start + PREFIX.length;
  for (;;) {
    if (line.charCodeAt(position) !== 0x28 /* ( */) return undefined;
    position++;
    let name: string;
    if (line.charCodeAt(position) === 0x22 /* " */) {
      const end = closingQuote(line, position + 1);
      if (end === -1) return undefined;
      name = line.slice(position + 1, end);
      position = end + 1;
    } else {
      const end = line.indexOf(',', position);
      if (end === -1) return undefined;
      name = line.slice(position, end);
      position = end;
    }
    const close = line.indexOf(')', position);
    if (close === -1) return undefined;
    processes.push(processFields(name, line.slice(position, close)));
    position = close + 1;
    const next = line.charCodeAt(position);
    if (next === 0x2c /* , */) {
      position++;
      continue;
    }
    if (next === 0x29 /* ) */) return { processes, end: position + 1 };
    return undefined;
  }
}

/** The `"` that ends a name: the first one followed by `,` or `)`. */
function closingQuote(line: string, from: number): number {
  let position = from;
  for (;;) {
    const quote = line.indexOf('"', position);
    if (quote === -1) return -1;
    const next = line.charCodeAt(quote + 1);
    if (next === 0x2c || next === 0x29) return quote;
    position = quote + 1;
  }
}

function processFields(name: string, fields: string): SocketProcess {
  let pid: number | undefined;
  let fd: number | undefined;
  let positional = 0;
  for (const field of fields.split(',')) {
    if (field === '') continue;
    const equals = field.indexOf('=');
    const key = equals === -1 ? (positional++ === 0 ? 'pid' : 'fd') : field.slice(0, equals);
    const value = equals === -1 ? field : field.slice(equals + 1);
    if (!/^\d{1,10}$/.test(value)) continue;
    if (key === 'pid') pid = Number(value);
    else if (key === 'fd') fd = Number(value);
  }
  return { name, ...(pid === undefined ? {} : { pid }), ...(fd === undefined ? {} : { fd }) };
}
