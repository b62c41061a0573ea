// A small HTTP/1.1 server for reproduction labs, run inside a network namespace:
//   node sized-response-http-server.mjs '<json options>'
// GET /bytes/N answers N bytes; POST (any path) reads Content-Length bytes and answers how many
// arrived; GET /work/MS blocks the event loop for MS before answering, the way a synchronous
// handler starves a single-threaded server (nothing is accepted meanwhile, so the kernel's
// accept queue fills). Connections are kept alive unless the request says "Connection: close".
// Options: { host, port, backlog?, keepAliveProbeDelayMs?, name?, logFile?, runForMs? }.
// The access log (what an engineer would find) goes to logFile; stdout carries the lab's JSON
// control events ({"event":"listening"}).
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const options = JSON.parse(process.argv[2] ?? '{}');
const name = options.name ?? 'server';
const log = (line) => {
  const text = `${new Date().toISOString()} ${name} ${line}\n`;
  if (options.logFile) appendFileSync(options.logFile, text);
  else process.stderr.write(text);
};
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

// Atomics.wait parks the only thread: no timers, no accept(), no reads, exactly like a CPU-bound
// handler.
const parkingLot = new Int32Array(new SharedArrayBuffer(4));
function blockEventLoop(ms) {
  Atomics.wait(parkingLot, 0, 0, ms);
}

function peerOf(socket) {
  const address = socket.remoteAddress?.replace(/^::ffff:/, '') ?? '?';
  return address.includes(':')
    ? `[${address}]:${socket.remotePort}`
    : `${address}:${socket.remotePort}`;
}

function parseHead(text) {
  const [requestLine = '', ...headerLines] = text.split('\r\n');
  const [method = '', path = ''] = requestLine.split(' ');
  const headers = new Map();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { method, path, headers };
}

function respond(socket, status, body, close) {
  const head =
    `HTTP/1.1 ${status}\r\nContent-Length: ${body.length}\r\n` +
    `Connection: ${close ? 'close' : 'keep-alive'}\r\n\r\n`;
  socket.write(head);
  socket.write(body);
  if (close) socket.end();
}

function handle(socket, request, body) {
  const peer = peerOf(socket);
  const close = (request.headers.get('connection') ?? '').toLowerCase() === 'close';
  const sized = /^\/bytes\/(\d+)$/.exec(request.path);
  const work = /^\/work\/(\d+)$/.exec(request.path);
  if (request.method === 'GET' && sized) {
    const size = Number(sized[1]);
    respond(socket, '200 OK', Buffer.alloc(size, 0x61), close);
    log(`${peer} "GET ${request.path}" 200 ${size}`);
  } else if (request.method === 'GET' && work) {
    const ms = Number(work[1]);
    const started = Date.now();
    blockEventLoop(ms);
    respond(socket, '200 OK', Buffer.from('done\n'), close);
    log(`${peer} "GET ${request.path}" 200 5 took ${Date.now() - started} ms`);
  } else if (request.method === 'POST') {
    const text = Buffer.from(`received ${body.length}\n`);
    respond(socket, '200 OK', text, close);
    log(`${peer} "POST ${request.path}" 200 received ${body.length} bytes`);
  } else {
    respond(socket, '404 Not Found', Buffer.alloc(0), close);
    log(`${peer} "${request.method} ${request.path}" 404`);
  }
}

const server = net.createServer((socket) => {
  const peer = peerOf(socket);
  if (options.keepAliveProbeDelayMs !== undefined)
    socket.setKeepAlive(true, options.keepAliveProbeDelayMs);
  let pending = Buffer.alloc(0);
  let request = null;
  let wanted = 0;
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (request === null) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        request = parseHead(pending.subarray(0, end).toString('latin1'));
        wanted = Number(request.headers.get('content-length') ?? '0');
        pending = pending.subarray(end + 4);
      }
      if (pending.length < wanted) return;
      const body = pending.subarray(0, wanted);
      pending = pending.subarray(wanted);
      const current = request;
      request = null;
      handle(socket, current, body);
    }
  });
  socket.on('end', () => socket.end());
  socket.on('error', (error) => log(`${peer} connection error: ${error.message}`));
});

server.on('error', (error) => {
  log(`listen error: ${error.message}`);
  process.exit(1);
});
server.listen({ host: options.host, port: options.port, backlog: options.backlog ?? 511 }, () => {
  log(`listening on ${options.host}:${options.port}`);
  emit({ event: 'listening', host: options.host, port: options.port });
});

// Labs must end on their own even if the lab driver dies.
setTimeout(() => process.exit(0), options.runForMs ?? 60_000).unref();
process.on('SIGTERM', () => process.exit(0));
