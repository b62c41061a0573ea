// A line-protocol TCP server for reproduction labs, run inside a namespace:
//   node upstream-tcp-server.mjs '<json options>'
// Options: { listen: { host, port }, reply?, closeAfterReplyMs?, unreadCloseAfterMs?,
//            logFile?, name?, runForMs? }
// For each line it reads it answers `reply` (default "ok <line>"). Then, per connection:
//  - closeAfterReplyMs: the server closes the connection that long after its reply (a server
//    that finishes a session: FIN, then close(); the socket is orphaned on this side);
//  - unreadCloseAfterMs: the server stops reading right after the first line (the way a
//    process that has decided to exit reads nothing more), replies, and close()s that long
//    later; whatever the client sent meanwhile is still unread in the receive buffer, so the
//    kernel answers the close with RST instead of FIN.
// Control events on stdout: listening, request, closed.
import net from 'node:net';
import { endpoint, eventProgram, stopReading } from './event-program.mjs';

const { options, emit, log } = eventProgram('upstream');

function serve(socket) {
  const peer = endpoint(socket.remoteAddress, socket.remotePort);
  let buffered = '';
  let answered = false;
  log(`accepted ${peer}`);
  socket.on('data', (chunk) => {
    buffered += chunk.toString('latin1');
    let newline = buffered.indexOf('\n');
    while (newline >= 0 && !answered) {
      const line = buffered.slice(0, newline).replace(/\r$/, '');
      buffered = buffered.slice(newline + 1);
      log(`${peer} request "${line}"`);
      emit({ event: 'request', peer, line });
      socket.write(`${options.reply ?? `ok ${line}`}\n`);
      if (options.unreadCloseAfterMs !== undefined) {
        answered = true;
        stopReading(socket);
        setTimeout(() => {
          log(`${peer} closing (stopped reading after the first request)`);
          socket.destroy();
        }, options.unreadCloseAfterMs);
      } else if (options.closeAfterReplyMs !== undefined) {
        answered = true;
        setTimeout(() => {
          log(`${peer} closing after reply`);
          socket.end(() => socket.destroy());
        }, options.closeAfterReplyMs);
      }
      newline = buffered.indexOf('\n');
    }
  });
  socket.on('error', (error) => log(`${peer} error: ${error.code ?? error.message}`));
  socket.on('close', () => emit({ event: 'closed', peer }));
}

const server = net.createServer(serve);
server.listen(options.listen.port, options.listen.host, () => {
  log(`listening on ${endpoint(options.listen.host, options.listen.port)}`);
  emit({ event: 'listening', port: options.listen.port });
});
process.on('SIGTERM', () => process.exit(0));
setTimeout(() => process.exit(0), options.runForMs ?? 60_000).unref();
