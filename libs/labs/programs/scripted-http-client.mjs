// An HTTP/1.1 client for reproduction labs that plays a script of connections, run inside a
// network namespace:  node scripted-http-client.mjs '<json options>'
// Options: { target: { host, port }, localAddress?, name?, logFile?, sessions: [Session] }
// Session: { count?, startAtMs?, spacingMs?, connectTimeoutMs?, responseTimeoutMs?,
//            keepAliveProbeDelayMs?, closeWhenDone? (default true),
//            requests: [{ method?, path, bodyBytes?, idleBeforeMs?, closeHeader? }] }
// Each connection logs what an application would (connect time, responses, and errors worded
// as a Go HTTP client logs them: `Get "http://…": dial tcp …: connect: connection timed out`,
// `read tcp L->R: read: connection reset by peer`) to logFile; stdout carries JSON
// control events for the lab: "connected", "failed" and finally "done" with every
// connection's outcome and local socket, so a lab can name the failing flow.
import { EventEmitter } from 'node:events';
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const options = JSON.parse(process.argv[2] ?? '{}');
const name = options.name ?? 'client';
const log = (line) => {
  const text = `${new Date().toISOString()} ${name} ${line}\n`;
  if (options.logFile) appendFileSync(options.logFile, text);
  else process.stderr.write(text);
};
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const { host, port } = options.target;
const remote = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

function localOf(socket, fallback) {
  try {
    const address = socket.localAddress;
    const localPort = socket.localPort;
    if (address === undefined || localPort === undefined) return fallback;
    return address.includes(':') ? `[${address}]:${localPort}` : `${address}:${localPort}`;
  } catch {
    return fallback;
  }
}

// Resolves with the milliseconds the handshake took, or rejects with the kernel's error or an
// application-level connect timeout.
function connect(socket, timeoutMs) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            const error = new Error(`dial tcp ${remote}: i/o timeout`);
            error.code = 'CONNECT_TIMEOUT';
            reject(error);
          }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

// Reads one response (head plus Content-Length body) from the connection's byte stream.
function readResponse(stream, timeoutMs) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setTimeout(() => {
      stream.off('chunk', onChunk);
      stream.off('fail', onFail);
      // Go words the two cases differently: nothing yet, or headers but not the whole body.
      const error = new Error(
        stream.buffer.includes('\r\n\r\n')
          ? 'context deadline exceeded (Client.Timeout or context cancellation while reading body)'
          : 'net/http: timeout awaiting response headers',
      );
      error.code = 'RESPONSE_TIMEOUT';
      reject(error);
    }, timeoutMs);
    const onFail = (error) => {
      clearTimeout(timer);
      stream.off('chunk', onChunk);
      reject(error);
    };
    const onChunk = () => {
      const end = stream.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = stream.buffer.subarray(0, end).toString('latin1');
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? '0');
      if (stream.buffer.length < end + 4 + length) return;
      stream.buffer = stream.buffer.subarray(end + 4 + length);
      clearTimeout(timer);
      stream.off('chunk', onChunk);
      stream.off('fail', onFail);
      resolve({ status: head.split('\r\n')[0] ?? '', bytes: length, ms: Date.now() - started });
    };
    stream.on('chunk', onChunk);
    stream.on('fail', onFail);
    onChunk();
  });
}

function waitForClose(socket, timeoutMs) {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function runConnection(id, session) {
  const socket = net.connect({ host, port, localAddress: options.localAddress });
  if (session.keepAliveProbeDelayMs !== undefined)
    socket.setKeepAlive(true, session.keepAliveProbeDelayMs);
  let local = `${options.localAddress ?? '?'}:?`;
  // The kernel binds the source port during connect(), which net.connect issues on the next
  // tick; read it right after, before a refusal or reset can close the handle.
  process.nextTick(() => (local = localOf(socket, local)));
  const stream = Object.assign(new EventEmitter(), { buffer: Buffer.alloc(0) });
  socket.on('data', (chunk) => {
    stream.buffer = Buffer.concat([stream.buffer, chunk]);
    stream.emit('chunk');
  });
  socket.on('error', (error) => stream.emit('fail', error));
  socket.on('end', () => {
    const error = new Error('EOF');
    error.code = 'EOF';
    stream.emit('fail', error);
  });
  const result = { id, local, remote, connectMs: null, responses: [], outcome: 'ok', error: null };
  try {
    result.connectMs = await connect(socket, session.connectTimeoutMs);
    local = localOf(socket, local);
    result.local = local;
    log(`conn ${id} ${local} -> ${remote} connected in ${result.connectMs} ms`);
    emit({ event: 'connected', id, local, remote, ms: result.connectMs });
    for (const request of session.requests) {
      if (request.idleBeforeMs) await sleep(request.idleBeforeMs);
      const method = request.method ?? 'GET';
      const body = Buffer.alloc(request.bodyBytes ?? 0, 0x62);
      const head =
        `${method} ${request.path} HTTP/1.1\r\nHost: ${remote}\r\nContent-Length: ${body.length}\r\n` +
        (request.closeHeader ? 'Connection: close\r\n' : '') +
        '\r\n';
      socket.write(head);
      if (body.length > 0) socket.write(body);
      const response = await readResponse(stream, session.responseTimeoutMs ?? 5000);
      result.responses.push(response);
      log(
        `conn ${id} ${local} -> ${remote} ${method} ${request.path}: ${response.status} ` +
          `(${response.bytes} bytes in ${response.ms} ms)`,
      );
    }
    if (session.closeWhenDone !== false) {
      socket.end();
      const closed = await waitForClose(socket, 3000);
      log(`conn ${id} ${local} -> ${remote} ${closed ? 'closed' : 'close not confirmed'}`);
    }
  } catch (error) {
    result.local = local === `${options.localAddress ?? '?'}:?` ? localOf(socket, local) : local;
    result.outcome = error.code ?? 'ERROR';
    result.error = goWording(error, result.connectMs === null, result.local);
    const first = session.requests[result.responses.length] ?? session.requests[0];
    const url = `"http://${remote}${first?.path ?? '/'}"`;
    log(`conn ${id} ${result.local} -> ${remote} ${methodName(first)} ${url}: ${result.error}`);
    emit({ event: 'failed', id, local: result.local, remote, code: result.outcome });
    socket.destroy();
  }
  return result;
}

const ERRNO_TEXT = {
  ECONNRESET: 'connection reset by peer',
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EPIPE: 'broken pipe',
};

function methodName(request) {
  const method = request?.method ?? 'GET';
  return method[0] + method.slice(1).toLowerCase();
}

// Kernel errors as Go's net package words them; the program's own timeouts already are.
function goWording(error, duringConnect, local) {
  const text = ERRNO_TEXT[error.code];
  if (text === undefined) return error.message;
  if (duringConnect) return `dial tcp ${remote}: connect: ${text}`;
  const op = error.syscall === 'write' || error.code === 'EPIPE' ? 'write' : 'read';
  return `${op} tcp ${local}->${remote}: ${op}: ${text}`;
}

async function main() {
  const started = Date.now();
  const runs = [];
  let id = 0;
  for (const session of options.sessions) {
    const count = session.count ?? 1;
    for (let index = 0; index < count; index += 1) {
      const connectionId = id;
      id += 1;
      const startAt = (session.startAtMs ?? 0) + index * (session.spacingMs ?? 0);
      runs.push(
        (async () => {
          const wait = startAt - (Date.now() - started);
          if (wait > 0) await sleep(wait);
          return runConnection(connectionId, session);
        })(),
      );
    }
  }
  const results = await Promise.all(runs);
  const failed = results.filter((r) => r.outcome !== 'ok').length;
  log(`done: ${results.length - failed} ok, ${failed} failed`);
  // stdout is a pipe: exit only once the last event is flushed.
  process.stdout.write(`${JSON.stringify({ event: 'done', results })}\n`, () => process.exit(0));
}

setTimeout(() => process.exit(3), options.runForMs ?? 60_000).unref();
main().catch((error) => {
  log(`crashed: ${error.stack ?? error}`);
  process.exit(2);
});
