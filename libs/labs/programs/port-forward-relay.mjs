// A stand-in for `kubectl port-forward` with the kubelet's end inside the pod's network
// namespace, run there:  node port-forward-relay.mjs '<json options>'
// Options: { listen: { host, port }, target: { host, port }, pod, netnsPath, logFile?,
//            name?, runForMs? }
// Each accepted connection is relayed to target (the pod's port on 127.0.0.1), both ways.
// When the pod-side connection fails, it behaves like client-go >= 0.24: the error is logged,
// the whole forwarding session is torn down ("lost connection to pod") and the process exits,
// so every other forwarded connection dies with it. The log lines copy the shape of kubectl's
// klog output (portforward.go) so that a bundle reads like a real one; they are produced here.
// Control events on stdout: listening, relaying, lost.
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const options = JSON.parse(process.argv[2] ?? '{}');
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

function klog(severity, location, message) {
  const now = new Date();
  const pad = (value, width = 2) => String(value).padStart(width, '0');
  const stamp =
    `${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())} ` +
    `${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}.` +
    `${pad(now.getUTCMilliseconds() * 1000, 6)}`;
  const line = `${severity}${stamp} ${String(process.pid).padStart(7)} ${location}] ${message}\n`;
  if (options.logFile) appendFileSync(options.logFile, line);
}

const ERRNO_TEXT = { ECONNRESET: 'connection reset by peer', EPIPE: 'broken pipe' };
const localPort = options.listen.port;
const podPort = options.target.port;

function lostConnection(client, local, error) {
  const target = `${options.target.host}:${podPort}`;
  const op = error.syscall === 'write' ? 'write' : 'read';
  const text = ERRNO_TEXT[error.code] ?? error.message;
  klog(
    'E',
    'portforward.go:406',
    `an error occurred forwarding ${localPort} -> ${podPort}: error forwarding port ${podPort} to pod ` +
      `${options.pod}, uid : failed to execute portforward in network namespace "${options.netnsPath}": ` +
      `${op} tcp4 ${local}->${target}: ${op}: ${text}`,
  );
  klog('E', 'portforward.go:234', 'lost connection to pod');
  emit({ event: 'lost', local, target, code: error.code ?? 'ERROR' });
  client.destroy();
  // Exit only once the last event is out: the lab reads it from the pipe.
  process.stdout.write('', () => process.exit(1));
}

function relay(client) {
  klog('I', 'portforward.go:303', `Handling connection for ${localPort}`);
  const upstream = net.connect({ host: options.target.host, port: podPort });
  // Read while connected: a reset socket no longer knows its own address.
  let local = '?';
  upstream.on('connect', () => {
    local = `${upstream.localAddress}:${upstream.localPort}`;
    emit({ event: 'relaying', local, client: `${client.remoteAddress}:${client.remotePort}` });
  });
  client.pipe(upstream);
  upstream.pipe(client);
  upstream.on('error', (error) => lostConnection(client, local, error));
  client.on('error', () => upstream.destroy());
}

const server = net.createServer(relay);
server.listen(options.listen.port, options.listen.host, () => {
  if (options.logFile)
    appendFileSync(
      options.logFile,
      `Forwarding from ${options.listen.host}:${localPort} -> ${podPort}\n`,
    );
  emit({ event: 'listening', port: localPort });
});
process.on('SIGTERM', () => process.exit(0));
setTimeout(() => process.exit(0), options.runForMs ?? 60_000).unref();
