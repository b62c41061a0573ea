// A TLS line-protocol server for reproduction labs (a database or gateway behind a port-forward),
// run inside a namespace:  node tls-server.mjs '<json options>'
// Options: { listen: { host, port }, certFile, keyFile, idleTimeoutMs, closeGapMs?, logFile?,
//            name?, runForMs? }
// Every line it decrypts is answered "result <line>". After idleTimeoutMs without a request it
// closes the connection the way a TLS server does on its idle timeout: SSL_shutdown() (a
// close_notify alert on the wire, no FIN yet), then close() closeGapMs later. It reads nothing
// in between, so the client's answering close_notify is still unread in the receive buffer
// when close() runs and the kernel sends RST instead of FIN. Real servers leave a gap of
// microseconds there; the lab widens it so the race is won every time.
// Control events on stdout: listening, secure, request, idle-close, closed.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { endpoint, eventProgram, stopReading } from './event-program.mjs';

const { options, emit, log } = eventProgram('tls-server');

const secureContext = tls.createSecureContext({
  cert: readFileSync(options.certFile),
  key: readFileSync(options.keyFile),
});

// The TLS layer runs over this stream rather than over the socket itself, so that its
// shutdown (after the close_notify) does not become a TCP FIN: SSL_shutdown() and close() are
// two separate calls in a C server, and the lab needs the moment between them.
function tlsWire(raw) {
  const wire = new Duplex({
    read() {},
    write(chunk, _encoding, callback) {
      raw.write(chunk, callback);
    },
    final(callback) {
      callback();
    },
  });
  raw.on('data', (chunk) => wire.push(chunk));
  raw.on('end', () => wire.push(null));
  raw.on('error', (error) => wire.destroy(error));
  return wire;
}

function serve(raw) {
  const peer = endpoint(raw.remoteAddress, raw.remotePort);
  const session = new tls.TLSSocket(tlsWire(raw), { isServer: true, secureContext });
  let idleTimer;
  let buffered = '';
  const closeIdle = () => {
    log(`${peer} idle for ${options.idleTimeoutMs} ms: SSL_shutdown (close_notify), then close()`);
    emit({ event: 'idle-close', peer });
    session.end();
    stopReading(raw);
    setTimeout(() => {
      log(`${peer} close()`);
      raw.destroy();
    }, options.closeGapMs ?? 100);
  };
  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(closeIdle, options.idleTimeoutMs);
  };
  session.on('secure', () => {
    log(`${peer} TLS handshake done (${session.getProtocol()})`);
    emit({ event: 'secure', peer });
    armIdle();
  });
  session.on('data', (chunk) => {
    buffered += chunk.toString('utf8');
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      log(`${peer} query "${line}"`);
      emit({ event: 'request', peer, line });
      session.write(`result ${line}\n`);
      armIdle();
      newline = buffered.indexOf('\n');
    }
  });
  session.on('error', (error) => log(`${peer} tls error: ${error.code ?? error.message}`));
  raw.on('error', (error) => log(`${peer} socket error: ${error.code ?? error.message}`));
  raw.on('close', () => {
    clearTimeout(idleTimer);
    emit({ event: 'closed', peer });
  });
}

const server = net.createServer(serve);
server.listen(options.listen.port, options.listen.host, () => {
  log(`listening on ${endpoint(options.listen.host, options.listen.port)} (TLS)`);
  emit({ event: 'listening', port: options.listen.port });
});
process.on('SIGTERM', () => process.exit(0));
setTimeout(() => process.exit(0), options.runForMs ?? 60_000).unref();
