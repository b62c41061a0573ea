// An HTTP/1.1 client with a keep-alive connection pool (Node's http.Agent) for reproduction
// labs, run inside a namespace:  node pooled-http-client.mjs '<json options>'
// Options: { target: { host, port }, requests: [Request], userAgent?, logFile?, name?, runForMs? }
// Request: { path, afterMs?, stallMs? }: sent afterMs after the previous one finished, on the
// pooled connection when one is free. stallMs blocks the event loop (a GC pause, a busy
// handler) right before the request is handed to the pool: a FIN the server sent meanwhile
// sits unprocessed in the socket, so the pool still believes the connection is usable.
// Errors are logged in Node's words ("socket hang up", "read ECONNRESET"), with the pooled
// connection's addresses. Control events on stdout: response, failed, done.
import http from 'node:http';
import { eventProgram, runClientMain } from './event-program.mjs';

const { options, emit, log } = eventProgram('client');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const parkingLot = new Int32Array(new SharedArrayBuffer(4));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const remote = `${options.target.host}:${options.target.port}`;

function send(index, request) {
  return new Promise((resolve) => {
    const started = Date.now();
    let local = '?';
    const url = `http://${remote}${request.path}`;
    const req = http.get(
      {
        host: options.target.host,
        port: options.target.port,
        path: request.path,
        agent,
        headers: { 'User-Agent': options.userAgent ?? `node/${process.versions.node}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const ms = Date.now() - started;
          log(
            `GET ${url} ${res.statusCode} in ${ms} ms (${req.reusedSocket ? 'reused' : 'new'} connection ${local})`,
          );
          emit({
            event: 'response',
            index,
            status: res.statusCode,
            local,
            reused: req.reusedSocket,
          });
          resolve();
        });
      },
    );
    req.on('socket', (socket) => {
      const note = () => (local = `${socket.localAddress}:${socket.localPort}`);
      if (socket.localPort === undefined) socket.once('connect', note);
      else note();
    });
    req.on('error', (error) => {
      const how = req.reusedSocket ? 'reused' : 'new';
      log(
        `GET ${url} failed on ${how} connection ${local} -> ${remote}: Error: ${error.message} (${error.code ?? '-'})`,
      );
      emit({
        event: 'failed',
        index,
        local,
        remote,
        code: error.code ?? 'ERROR',
        message: error.message,
        reused: req.reusedSocket,
      });
      resolve();
    });
  });
}

async function main() {
  let index = 0;
  for (const request of options.requests) {
    if (request.afterMs) await sleep(request.afterMs);
    if (request.stallMs) Atomics.wait(parkingLot, 0, 0, request.stallMs);
    await send(index, request);
    index += 1;
  }
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ event: 'done' })}\n`, () => process.exit(0));
}

runClientMain(main, options, log);
