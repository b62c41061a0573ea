// A TCP sidecar proxy for reproduction labs, a stand-in for Envoy's tcp_proxy filter, run inside
// the "pod" namespace behind an iptables REDIRECT:  node sidecar-proxy.mjs '<json options>'
// Options: { listen: { host, port }, upstream: { host, port }, idleTimeoutMs, uid?,
//            accessLog?, logFile?, name?, runForMs? }
// What it copies from Envoy, because the labs depend on it:
//  - half-close is forwarded, not turned into a close: when one side sends FIN, the proxy
//    shuts down only its write direction toward the other side (shutdown(SHUT_WR)) and keeps
//    reading from it, so its socket toward that side sits in FIN-WAIT-2 until the peer's FIN;
//  - only the idle timeout (no data in either direction) ends a connection whose peer never
//    sends that FIN; tcp_fin_timeout does not apply, since the socket is not orphaned;
//  - one access-log line per connection when it ends, in Envoy's default text format (a TCP
//    connection has no method, path, protocol or status: "- - -" and 0). Upstream is a fixed
//    cluster address: the stand-in does not read SO_ORIGINAL_DST.
// `uid` drops privileges before any socket exists, so an `-m owner ! --uid-owner` rule in the
// pod's OUTPUT chain keeps the proxy's own upstream connections out of the REDIRECT (Istio runs
// Envoy as 1337 for the same reason). Control events on stdout: listening, accepted,
// half-closed, closed.
import { openSync, writeSync } from 'node:fs';
import net from 'node:net';

const options = JSON.parse(process.argv[2] ?? '{}');
const name = options.name ?? 'sidecar';
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
// Both files are opened before the uid drop (the lab's bundle directory belongs to root) and
// written through those descriptors.
const logFd = options.logFile ? openSync(options.logFile, 'a') : undefined;
const accessLogFd = options.accessLog ? openSync(options.accessLog, 'a') : undefined;
const log = (line) => {
  if (logFd !== undefined) writeSync(logFd, `${new Date().toISOString()} ${name} ${line}\n`);
};

function endpoint(address, port) {
  const host = (address ?? '?').replace(/^::ffff:/, '');
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

if (options.uid !== undefined) {
  process.setgid(options.uid);
  process.setuid(options.uid);
}

const upstreamAddress = endpoint(options.upstream.host, options.upstream.port);
let nextId = 0;

function accessLogLine(record) {
  // [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
  // %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%
  // "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"
  return (
    `[${record.start.toISOString()}] "- - -" 0 ${record.flags} ${record.received} ${record.sent} ` +
    `${record.durationMs} - "-" "-" "-" "-" "${record.upstreamHost}"\n`
  );
}

function proxy(downstream) {
  const id = nextId++;
  const start = new Date();
  const peer = endpoint(downstream.remoteAddress, downstream.remotePort);
  const local = endpoint(downstream.localAddress, downstream.localPort);
  const record = { start, flags: '-', received: 0, sent: 0, durationMs: 0, upstreamHost: '-' };
  const upstream = net.connect({
    host: options.upstream.host,
    port: options.upstream.port,
    allowHalfOpen: true,
  });
  let finished = false;
  let idleTimer;
  const state = { downstreamEnded: false, upstreamEnded: false };

  const finish = (reason) => {
    if (finished) return;
    finished = true;
    clearTimeout(idleTimer);
    record.durationMs = Date.now() - start.getTime();
    downstream.destroy();
    upstream.destroy();
    log(`[C${id}] closing: ${reason}`);
    if (accessLogFd !== undefined) writeSync(accessLogFd, accessLogLine(record));
    emit({ event: 'closed', id, peer, reason, durationMs: record.durationMs });
  };
  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      log(`[C${id}] session idle timeout (${options.idleTimeoutMs} ms)`);
      finish('idle timeout');
    }, options.idleTimeoutMs);
  };
  const bothEnded = () => {
    if (state.downstreamEnded && state.upstreamEnded) finish('both directions closed');
  };

  log(`[C${id}] new tcp proxy session ${peer} -> ${local}, upstream ${upstreamAddress}`);
  emit({ event: 'accepted', id, peer, local });
  armIdle();
  downstream.on('data', (chunk) => {
    record.received += chunk.length;
    upstream.write(chunk);
    armIdle();
  });
  upstream.on('data', (chunk) => {
    record.sent += chunk.length;
    downstream.write(chunk);
    armIdle();
  });
  upstream.on('connect', () => {
    record.upstreamHost = upstreamAddress;
    log(`[C${id}] upstream connected from ${endpoint(upstream.localAddress, upstream.localPort)}`);
  });
  upstream.on('end', () => {
    state.upstreamEnded = true;
    // Envoy forwards the FIN and keeps reading: the downstream socket goes to FIN-WAIT-2.
    downstream.end();
    log(`[C${id}] upstream half-closed; shutdown(SHUT_WR) toward ${peer}`);
    emit({ event: 'half-closed', id, toward: 'downstream', peer });
    bothEnded();
  });
  downstream.on('end', () => {
    state.downstreamEnded = true;
    upstream.end();
    log(`[C${id}] downstream half-closed; shutdown(SHUT_WR) toward upstream`);
    emit({ event: 'half-closed', id, toward: 'upstream', peer });
    bothEnded();
  });
  upstream.on('error', (error) => {
    if (record.upstreamHost === '-') record.flags = 'UF';
    log(`[C${id}] upstream error: ${error.code ?? error.message}`);
    finish(`upstream ${error.code ?? 'error'}`);
  });
  downstream.on('error', (error) => {
    log(`[C${id}] downstream error: ${error.code ?? error.message}`);
    finish(`downstream ${error.code ?? 'error'}`);
  });
}

const server = net.createServer({ allowHalfOpen: true }, proxy);
server.listen(options.listen.port, options.listen.host, () => {
  log(
    `listening on ${endpoint(options.listen.host, options.listen.port)}, cluster ${upstreamAddress}`,
  );
  emit({ event: 'listening', port: options.listen.port });
});
process.on('SIGTERM', () => process.exit(0));
setTimeout(() => process.exit(0), options.runForMs ?? 60_000).unref();
