#!/usr/bin/env node
// A TCP service for labs. Arguments (one JSON object):
//   listen: [{ host, port }]       addresses to listen on
//   logFile, label                 app log (default label "server")
//   mode: "echo" | "discard" | "reply"   what it does with data (reply sends `reply` per chunk)
//   onEnd: "close" | "keep" | { afterMs }  when the peer half-closes: end at once (default),
//                                  stay half-open, or end after a delay
//   replyDelayMs                   wait this long before echoing/replying (a slow handler)
//   endAfterReplies: n             half-close (FIN) after the n-th echo/reply, keep reading
// Events on stdout: listening, accepted {local, remote}, end, error {code, message}, closed.
import net from 'node:net';
import { appLog, emit, endpoint, goStyleError, parseArgs } from './program-io.mjs';

const args = parseArgs();
const log = appLog(args.logFile, args.label ?? 'server');
const mode = args.mode ?? 'echo';
const onEnd = args.onEnd ?? 'close';

function serve(socket) {
  const local = endpoint(socket.localAddress, socket.localPort);
  const remote = endpoint(socket.remoteAddress, socket.remotePort);
  log(`accepted ${remote} on ${local}`);
  emit('accepted', { local, remote });
  let received = 0;
  let replies = 0;
  const answer = (chunk) => {
    if (socket.destroyed || socket.writableEnded) return;
    if (mode === 'echo') socket.write(chunk);
    else if (mode === 'reply') socket.write(args.reply ?? 'ok\n');
    else return;
    replies++;
    if (replies === args.endAfterReplies) {
      socket.end();
      log(`${remote}: response complete, closed our side (shutdown write)`);
    }
  };
  socket.on('data', (chunk) => {
    received += chunk.length;
    if (args.replyDelayMs) setTimeout(() => answer(chunk), args.replyDelayMs);
    else answer(chunk);
  });
  socket.on('end', () => {
    log(`${remote}: peer closed its side after ${received} bytes`);
    emit('end', { local, remote });
    if (onEnd === 'close') socket.end();
    else if (typeof onEnd === 'object') setTimeout(() => socket.end(), onEnd.afterMs ?? 0);
  });
  socket.on('error', (error) => {
    log(goStyleError('read', remote, local, error));
    emit('error', { local, remote, code: error.code, message: error.message });
  });
  socket.on('close', () => {
    log(`${remote}: connection closed`);
    emit('closed', { local, remote });
  });
}

const servers = (args.listen ?? []).map(
  ({ host, port }) =>
    new Promise((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen: true }, serve);
      server.on('error', reject);
      server.listen({ host, port, backlog: args.backlog ?? 511 }, () => {
        log(`listening on ${endpoint(host, port)}`);
        resolve(`${host}:${port}`);
      });
    }),
);
Promise.all(servers).then(
  (addresses) => emit('listening', { addresses }),
  (error) => {
    emit('error', { code: error.code, message: error.message });
    log(`listen: ${error.message}`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => process.exit(0));
