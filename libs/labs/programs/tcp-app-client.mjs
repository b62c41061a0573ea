// An application's outbound TCP client for reproduction labs, run inside a namespace:
//   node tcp-app-client.mjs '<json options>'
// Options: { connections: [Connection], firstId?, logFile?, name?, runForMs? }
// Connection: { target: { host, port }, localPort?, startDelayMs?, connectTimeoutMs?,
//               request?, afterReply?, closeAfterEofMs?, lingerAfterCloseMs?, holdMs? }
// Connections run one after another. Each connects (binding localPort when given), writes the
// `request` line, reads; `afterReply` is a line written as soon as the first reply line arrives
// (a client's goodbye, e.g. "QUIT"). When the server half-closes (EOF), the client closes its
// own side `closeAfterEofMs` later (default at once): an application that is slow to notice
// EOF; lingerAfterCloseMs later (default 1000) it lets the socket go. `holdMs` ends a
// connection that is still open after that long.
// The log reads like a Go service's (errors in Go's words: "read tcp A->B: read: connection
// reset by peer", "dial tcp B: i/o timeout"), since that is what such incidents show; it is a
// stand-in. Control events on stdout: connected, reply, eof, failed, closed, done.
import net from 'node:net';
import { endpoint, eventProgram, runClientMain } from './event-program.mjs';

const { options, emit, log } = eventProgram('app');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const ERRNO_TEXT = {
  ECONNRESET: 'connection reset by peer',
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'broken pipe',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
};

function goError(op, local, remote, error) {
  const text = ERRNO_TEXT[error.code] ?? error.message;
  const syscall = error.syscall === 'write' ? 'write' : op;
  return `${syscall} tcp ${local}->${remote}: ${syscall}: ${text}`;
}

async function connect(id, spec) {
  const remote = endpoint(spec.target.host, spec.target.port);
  const started = Date.now();
  const socket = net.connect({
    host: spec.target.host,
    port: spec.target.port,
    ...(spec.localPort === undefined ? {} : { localPort: spec.localPort }),
    allowHalfOpen: true,
  });
  return new Promise((resolve) => {
    const timer =
      spec.connectTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            const ms = Date.now() - started;
            log(`conn ${id}: dial tcp ${remote}: i/o timeout (gave up after ${ms} ms)`);
            emit({
              event: 'failed',
              id,
              remote,
              code: 'CONNECT_TIMEOUT',
              ms,
              local: localOf(socket),
            });
            socket.destroy();
            resolve(undefined);
          }, spec.connectTimeoutMs);
    const onError = (error) => {
      clearTimeout(timer);
      const text = ERRNO_TEXT[error.code] ?? error.message;
      log(`conn ${id}: dial tcp ${remote}: connect: ${text}`);
      emit({ event: 'failed', id, remote, code: error.code ?? 'ERROR', local: localOf(socket) });
      resolve(undefined);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      clearTimeout(timer);
      const ms = Date.now() - started;
      const local = endpoint(socket.localAddress, socket.localPort);
      log(`conn ${id}: connected ${local} -> ${remote} in ${ms} ms`);
      emit({ event: 'connected', id, local, remote, ms });
      resolve({ socket, local, remote });
    });
  });
}

function localOf(socket) {
  try {
    return socket.localPort === undefined
      ? undefined
      : endpoint(socket.localAddress, socket.localPort);
  } catch {
    return undefined;
  }
}

async function converse(id, spec, { socket, local, remote }) {
  await new Promise((resolve) => {
    let received = '';
    let replied = false;
    let holdTimer;
    const finish = (reason) => {
      clearTimeout(holdTimer);
      emit({ event: 'closed', id, local, remote, reason });
      resolve();
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (!replied && received.includes('\n')) {
        replied = true;
        const line = received.slice(0, received.indexOf('\n'));
        log(`conn ${id}: reply "${line}"`);
        emit({ event: 'reply', id, line });
        if (spec.afterReply !== undefined) socket.write(`${spec.afterReply}\n`);
      }
    });
    socket.on('end', () => {
      const delay = spec.closeAfterEofMs ?? 0;
      log(`conn ${id}: EOF from ${remote}; closing in ${delay} ms`);
      emit({ event: 'eof', id, local, remote });
      setTimeout(() => {
        log(`conn ${id}: close ${local} -> ${remote}`);
        socket.end();
        // A FIN that nobody answers would leave this waiting: give it a moment, then let go
        // (the kernel keeps retransmitting it for the orphaned socket).
        setTimeout(() => {
          socket.destroy();
          finish('closed');
        }, spec.lingerAfterCloseMs ?? 1000);
      }, delay);
    });
    socket.on('error', (error) => {
      log(`conn ${id}: ${goError('read', local, remote, error)}`);
      emit({ event: 'failed', id, local, remote, code: error.code ?? 'ERROR' });
      finish(error.code ?? 'error');
    });
    if (spec.holdMs !== undefined)
      holdTimer = setTimeout(() => {
        socket.destroy();
        finish('hold expired');
      }, spec.holdMs);
    if (spec.request !== undefined) socket.write(`${spec.request}\n`);
  });
}

async function main() {
  let id = options.firstId ?? 0;
  for (const spec of options.connections) {
    if (spec.startDelayMs) await sleep(spec.startDelayMs);
    const connection = await connect(id, spec);
    if (connection) await converse(id, spec, connection);
    id += 1;
  }
  process.stdout.write(`${JSON.stringify({ event: 'done' })}\n`, () => process.exit(0));
}

runClientMain(main, options, log);
