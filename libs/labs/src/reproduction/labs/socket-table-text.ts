/** One socket line of `ss -tan…` output (continuation lines of `-i`/`-e` are skipped). */
export interface SocketLine {
  readonly state: string;
  readonly recvQ: number;
  readonly sendQ: number;
  readonly local: string;
  readonly peer: string;
  readonly line: string;
}

const SOCKET = /^([A-Z][A-Z0-9-]+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)/;

export function parseSocketTable(text: string): SocketLine[] {
  const sockets: SocketLine[] = [];
  for (const line of text.split('\n')) {
    const match = SOCKET.exec(line);
    if (!match) continue;
    const [, state, recvQ, sendQ, local, peer] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    sockets.push({ state, recvQ: Number(recvQ), sendQ: Number(sendQ), local, peer, line });
  }
  return sockets;
}

/** The socket in `state` whose local and peer addresses are these (`ip:port`). */
export function findSocket(
  sockets: readonly SocketLine[],
  query: { state?: string; local?: string; peer?: string },
): SocketLine | undefined {
  return sockets.find(
    (socket) =>
      (query.state === undefined || socket.state === query.state) &&
      (query.local === undefined || socket.local === query.local) &&
      (query.peer === undefined || socket.peer === query.peer),
  );
}
