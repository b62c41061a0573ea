// A TLS client for reproduction labs (a database client or test runner talking through a
// port-forward), run inside a namespace:  node tls-client.mjs '<json options>'
// Options: { target: { host, port }, queries: [string], holdMs, logFile?, name?, runForMs? }
// It connects, sends each query line and waits for its "result" line, then keeps the idle
// connection open for holdMs. When the server sends close_notify, Node's TLS socket answers
// with its own close_notify and a FIN, which is what the server then leaves unread.
// Control events on stdout: connected, result, end, failed, done.
import tls from 'node:tls';
import { eventProgram } from './event-program.mjs';

const { options, emit, log } = eventProgram('tls-client');
const remote = `${options.target.host}:${options.target.port}`;

const socket = tls.connect({
  host: options.target.host,
  port: options.target.port,
  // A lab certificate made for this run: nothing to verify it against.
  rejectUnauthorized: false,
});
let local = '?';
let buffered = '';
const pending = [...options.queries];
let finished = false;

const finish = (outcome) => {
  if (finished) return;
  finished = true;
  process.stdout.write(`${JSON.stringify({ event: 'done', outcome })}\n`, () => process.exit(0));
};

socket.on('secureConnect', () => {
  local = `${socket.localAddress}:${socket.localPort}`;
  log(`connected ${local} -> ${remote} (${socket.getProtocol()})`);
  emit({ event: 'connected', local, remote });
  const next = pending.shift();
  if (next !== undefined) socket.write(`${next}\n`);
});
socket.on('data', (chunk) => {
  buffered += chunk.toString('utf8');
  let newline = buffered.indexOf('\n');
  while (newline >= 0) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    log(`${line}`);
    emit({ event: 'result', line });
    const next = pending.shift();
    if (next !== undefined) socket.write(`${next}\n`);
    else log(`idle, keeping the connection open`);
    newline = buffered.indexOf('\n');
  }
});
socket.on('end', () => {
  log(`server closed the connection (close_notify / EOF)`);
  emit({ event: 'end', local, remote });
});
socket.on('error', (error) => {
  log(`error on ${local} -> ${remote}: ${error.code ?? ''} ${error.message}`);
  emit({ event: 'failed', local, remote, code: error.code ?? 'ERROR' });
  finish(error.code ?? 'error');
});
socket.on('close', () => finish('closed'));
setTimeout(() => {
  socket.end();
  finish('hold expired');
}, options.holdMs ?? 5000).unref();
process.on('SIGTERM', () => process.exit(0));
setTimeout(() => process.exit(3), options.runForMs ?? 60_000).unref();
