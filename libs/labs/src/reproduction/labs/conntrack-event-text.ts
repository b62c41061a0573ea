/**
 * One line of `conntrack -E` (with or without `-o timestamp`), read for the lab integration
 * specs: which flow, what happened, in which TCP state, and when.
 */
export interface ConntrackEventLine {
  /** Epoch seconds, when the line carries `-o timestamp`'s `[<sec>.<usec>]`. */
  readonly time?: number;
  readonly type: 'NEW' | 'UPDATE' | 'DESTROY';
  /** TCP state as printed (`SYN_SENT`, `CLOSE_WAIT`, …); '' when conntrack printed none. */
  readonly state: string;
  /** Original direction `src:sport`. */
  readonly origin: string;
  /** Original direction `dst:dport`. */
  readonly target: string;
  readonly line: string;
}

const EVENT =
  /^(?:\[(\d+\.\d+)\]\s+)?\[(NEW|UPDATE|DESTROY)\]\s+tcp\s+\d+\s+(?:\d+\s+)?([A-Z_0-9]*)\s*src=/;

export function parseConntrackEventLine(line: string): ConntrackEventLine | undefined {
  const trimmed = line.trim();
  const head = EVENT.exec(trimmed);
  if (!head) return undefined;
  const field = (name: string) => new RegExp(`\\b${name}=(\\S+)`).exec(trimmed)?.[1];
  const [src, dst, sport, dport] = [field('src'), field('dst'), field('sport'), field('dport')];
  if (!src || !dst || !sport || !dport) return undefined;
  return {
    ...(head[1] === undefined ? {} : { time: Number(head[1]) }),
    type: head[2] as ConntrackEventLine['type'],
    state: head[3] ?? '',
    origin: `${src}:${sport}`,
    target: `${dst}:${dport}`,
    line: trimmed,
  };
}

export function parseConntrackEvents(text: string): ConntrackEventLine[] {
  return text
    .split('\n')
    .map(parseConntrackEventLine)
    .filter((event): event is ConntrackEventLine => event !== undefined);
}

/** The events of the flow whose original direction starts at `origin` (`ip:port`). */
export function eventsFrom(
  events: readonly ConntrackEventLine[],
  origin: string,
): ConntrackEventLine[] {
  return events.filter((event) => event.origin === origin);
}
