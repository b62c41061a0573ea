/**
 * Small readers for the text artifacts of a lab bundle, used by the lab integration specs to
 * check from raw output (not through the matcher) that a mechanism happened or did not.
 */

/** A counter's value in `nstat -az` / `nstat -saz` output; 0 when it is absent. */
export function nstatCounter(text: string, name: string): number {
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key === name && value !== undefined) return Number(value);
  }
  return 0;
}

export interface ListenQueue {
  /** Connections waiting in the accept queue. */
  readonly queued: number;
  /** The queue's limit (min(backlog, somaxconn)). */
  readonly limit: number;
}

/**
 * The accept queue of the listener on `port`, from `ss -ltn` or `ss -tanoie` output (for a
 * LISTEN socket Recv-Q is the queue length and Send-Q the backlog).
 */
export function listenQueue(text: string, port: number): ListenQueue | undefined {
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== 'LISTEN') continue;
    const local = fields[3] ?? '';
    if (!local.endsWith(`:${port}`)) continue;
    return { queued: Number(fields[1]), limit: Number(fields[2]) };
  }
  return undefined;
}

/** Lines of `conntrack -E` output (with or without `-o timestamp`) of one event type. */
export function conntrackEvents(text: string, type: 'NEW' | 'UPDATE' | 'DESTROY'): string[] {
  return text
    .split('\n')
    .filter((line) => new RegExp(`^(\\[\\d+\\.\\d+\\]\\s+)?\\[${type}\\]`).test(line.trim()));
}

/** The socket states (`ESTAB`, `TIME-WAIT`, …) `ss -tan…` lists. */
export function socketStates(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((state) => /^[A-Z][A-Z0-9-]+$/.test(state) && state !== 'State');
}
