// An HTTP/1.1 keep-alive server with a short idle timeout for reproduction labs, run inside a
// namespace:  node http-keepalive-server.mjs '<json options>'
// Options: { listen: { host, port }, idleTimeoutMs, stallAfterFirstRequest?: { atMs, forMs },
//            logFile?, runForMs? }
// It answers every request with a small body and keeps the connection open; a connection idle
// for idleTimeoutMs is closed with close() (FIN), as nginx's keepalive_timeout or Go's
// IdleTimeout do. Like them it does not advertise the timeout (no "Keep-Alive: timeout=N"
// header), so a client pool cannot retire the connection first. Written on net rather than
// node:http, whose server adds a grace period to keepAliveTimeout.
// `stallAfterFirstRequest` blocks the event loop (a GC pause, a CPU-bound handler) for forMs,
// atMs after the first request: an idle timer due meanwhile fires right after, before any
// request that arrived during the stall is read, so that request is still unread when close()
// runs (RST instead of FIN).
// The access log uses nginx's "combined" format. Control events: listening, request, idle-close.
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const options = JSON.parse(process.argv[2] ?? '{}');
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const log = (line) => {
  if (options.logFile) appendFileSync(options.logFile, `${line}\n`);
};

function endpoint(address, port) {
  const host = (address ?? '?').replace(/^::ffff:/, '');
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
function nginxTime(date) {
  const pad = (value) => String(value).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

const parkingLot = new Int32Array(new SharedArrayBuffer(4));
// The stall runs in the check phase (setImmediate), so the loop's next turn starts by updating
// its clock and running the timers that fell due meanwhile, before it polls for input: that is
// the order a stalled server meets an idle timeout and a request that came in together.
let stallScheduled = false;
function scheduleStall() {
  const stall = options.stallAfterFirstRequest;
  if (stall === undefined || stallScheduled) return;
  stallScheduled = true;
  setTimeout(
    () =>
      setImmediate(() => {
        emit({ event: 'stall', forMs: stall.forMs });
        Atomics.wait(parkingLot, 0, 0, stall.forMs);
      }),
    stall.atMs,
  );
}

function serve(socket) {
  const peer = endpoint(socket.remoteAddress, socket.remotePort);
  const remoteAddress = (socket.remoteAddress ?? '-').replace(/^::ffff:/, '');
  let buffered = '';
  let idleTimer;
  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      emit({ event: 'idle-close', peer, unread: socket.readableLength });
      socket.destroy();
    }, options.idleTimeoutMs);
  };
  armIdle();
  socket.on('data', (chunk) => {
    clearTimeout(idleTimer);
    buffered += chunk.toString('latin1');
    let end = buffered.indexOf('\r\n\r\n');
    while (end >= 0) {
      const head = buffered.slice(0, end);
      buffered = buffered.slice(end + 4);
      const requestLine = head.split('\r\n')[0] ?? '';
      const agent = /\r\nuser-agent:\s*([^\r\n]*)/i.exec(head)?.[1] ?? '-';
      const body = `{"items":[1,2,3]}\n`;
      socket.write(
        `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
          `Connection: keep-alive\r\n\r\n${body}`,
      );
      log(
        `${remoteAddress} - - [${nginxTime(new Date())}] "${requestLine}" 200 ${body.length} "-" "${agent}"`,
      );
      emit({ event: 'request', peer, requestLine });
      scheduleStall();
      end = buffered.indexOf('\r\n\r\n');
    }
    armIdle();
  });
  socket.on('error', () => clearTimeout(idleTimer));
  socket.on('close', () => clearTimeout(idleTimer));
}

const server = net.createServer(serve);
server.listen(options.listen.port, options.listen.host, () => {
  emit({ event: 'listening', port: options.listen.port });
});
process.on('SIGTERM', () => process.exit(0));
setTimeout(() => process.exit(0), options.runForMs ?? 60_000).unref();
