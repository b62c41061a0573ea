import type { ConntrackEvent, ConntrackTuple } from '@netmortem/domain';

/** The life of one original tuple in `conntrack -E`: every NEW, UPDATE and DESTROY, in order. */
export interface TupleHistory {
  readonly key: string;
  readonly protocol: string;
  readonly original: ConntrackTuple;
  readonly events: readonly ConntrackEvent[];
}

/** A DESTROY followed by a NEW of the same original tuple whose reply comes from elsewhere. */
export interface Renat {
  readonly history: TupleHistory;
  readonly destroyed: ConntrackEvent;
  readonly recreated: ConntrackEvent;
  /** The reply source before and after: the backend the flow was bound to. */
  readonly before: string;
  readonly after: string;
}

export function tupleKey(protocol: string, t: ConntrackTuple): string {
  return `${protocol} ${t.src}:${t.srcPort ?? ''} > ${t.dst}:${t.dstPort ?? ''}`;
}

export function tupleEndpoint(ip: string, port: number | undefined): string {
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return port === undefined ? host : `${host}:${port}`;
}

/** Groups events by original tuple, keeping the file order (which is time order). */
export function conntrackHistories(events: readonly ConntrackEvent[]): TupleHistory[] {
  const byKey = new Map<string, ConntrackEvent[]>();
  for (const event of events) {
    const key = tupleKey(event.protocol, event.original);
    const list = byKey.get(key);
    if (list) list.push(event);
    else byKey.set(key, [event]);
  }
  return [...byKey.entries()].map(([key, list]) => ({
    key,
    protocol: list[0]!.protocol,
    original: list[0]!.original,
    events: list,
  }));
}

/**
 * Entries that died and were born again for the same client tuple but bound to another
 * backend: the footprint of a flow silently re-NATed.
 */
export function findRenats(histories: readonly TupleHistory[]): Renat[] {
  const found: Renat[] = [];
  for (const history of histories) {
    let lastDestroy: ConntrackEvent | undefined;
    let boundTo: string | undefined;
    for (const event of history.events) {
      const replySource = tupleEndpoint(event.reply.src, event.reply.srcPort);
      if (event.type === 'DESTROY') {
        lastDestroy = event;
        boundTo = replySource;
      } else if (event.type === 'NEW') {
        if (lastDestroy && boundTo !== undefined && boundTo !== replySource) {
          found.push({
            history,
            destroyed: lastDestroy,
            recreated: event,
            before: boundTo,
            after: replySource,
          });
        }
        lastDestroy = undefined;
        boundTo = replySource;
      } else {
        boundTo = replySource;
      }
    }
  }
  return found;
}
