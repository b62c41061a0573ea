import type { Endpoint } from '@netmortem/domain';
import { endpoint, parseEndpoint } from '../shared/endpoint-text.js';

export interface LineFlow {
  readonly client?: Endpoint;
  readonly server?: Endpoint;
  readonly fields: Record<string, string | number>;
}

const ADDR = String.raw`(\[[0-9A-Fa-f:.]+\]:\d{1,5}|\d{1,3}(?:\.\d{1,3}){3}:\d{1,5})`;
// Go's net.OpError: `read tcp 10.0.0.1:43982->10.0.0.2:5432: …`, `dial tcp 10.0.0.2:5432: …`.
const GO_OP = new RegExp(
  String.raw`\b(read|write|dial|readfrom|writeto|accept|connect) (?:tcp|udp)[46]? ${ADDR}(?:->${ADDR})?`,
);
// Node: `connect ETIMEDOUT 10.0.0.5:5432`, `connect ECONNREFUSED ::1:5432`.
const NODE = /\b(?:connect|read|write) E[A-Z]+ ([0-9A-Fa-f:.]+):(\d{1,5})\b/;
const NGINX_UPSTREAM =
  /upstream: "[a-z]+:\/\/(\[[0-9A-Fa-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})/;
const NGINX_CLIENT = /\bclient: ([0-9A-Fa-f:.]+),/;
const PORT_FORWARD = /forwarding (\d{1,5}) -> (\d{1,5})/;
// A client's own log line naming its connection: `10.0.0.1:43982 -> 10.0.0.2:80`.
const ARROW = new RegExp(String.raw`${ADDR} ?-> ?${ADDR}`);
const EPHEMERAL_FLOOR = 32768;

/** The endpoints a connection error names, in Go, Node, nginx and kubectl wording. */
export function flowOfLine(text: string): LineFlow {
  const fields: Record<string, string | number> = {};
  const forward = PORT_FORWARD.exec(text);
  if (forward) fields.portForward = `${forward[1]} -> ${forward[2]}`;
  const nginxClient = NGINX_CLIENT.exec(text);
  if (nginxClient) fields.clientIp = nginxClient[1] ?? '';

  const go = GO_OP.exec(text);
  if (go) {
    const first = parseEndpoint(go[2] ?? '');
    const second = go[3] ? parseEndpoint(go[3]) : undefined;
    fields.op = go[1] ?? '';
    if (!second) return { ...(first ? { server: first } : {}), fields };
    fields.local = go[2] ?? '';
    fields.remote = go[3] ?? '';
    // Go names local->remote; on an accepted connection the local side is the server.
    const localIsServer =
      first && second && first.port < second.port && second.port >= EPHEMERAL_FLOOR;
    const [client, server] = localIsServer ? [second, first] : [first, second];
    return { ...(client ? { client } : {}), ...(server ? { server } : {}), fields };
  }
  const node = NODE.exec(text);
  if (node) {
    const server = endpoint(node[1] ?? '', node[2] ?? '');
    return { ...(server ? { server } : {}), fields };
  }
  const arrow = ARROW.exec(text);
  if (arrow) {
    const client = parseEndpoint(arrow[1] ?? '');
    const server = parseEndpoint(arrow[2] ?? '');
    return { ...(client ? { client } : {}), ...(server ? { server } : {}), fields };
  }
  const nginx = NGINX_UPSTREAM.exec(text);
  if (nginx) {
    const server = endpoint((nginx[1] ?? '').replace(/^\[|\]$/g, ''), nginx[2] ?? '');
    return { ...(server ? { server } : {}), fields };
  }
  return { fields };
}
