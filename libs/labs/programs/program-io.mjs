// Shared by the lab endpoint programs: the app log (what an engineer would collect), the
// JSON control events on stdout the lab waits on, stdin lines that release `await` steps, and
// errors worded the way Go services log them (what people paste into incident tickets).
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export function parseArgs() {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('usage: node <program>.mjs <json arguments>');
  return JSON.parse(raw);
}

export function appLog(file, label) {
  return (message) => {
    const line = `${new Date().toISOString()} ${label}: ${message}\n`;
    if (file) appendFileSync(file, line);
    else process.stderr.write(line);
  };
}

export function emit(event, fields = {}) {
  process.stdout.write(`${JSON.stringify({ event, at: Date.now(), ...fields })}\n`);
}

const released = new Set();
const waiting = new Map();
createInterface({ input: process.stdin }).on('line', (line) => {
  const name = line.trim();
  released.add(name);
  for (const resolve of waiting.get(name) ?? []) resolve();
  waiting.delete(name);
});

/** Resolves once the lab writes `name` on stdin (or already did). */
export function waitRelease(name) {
  if (released.has(name)) return Promise.resolve();
  return new Promise((resolve) => waiting.set(name, [...(waiting.get(name) ?? []), resolve]));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const ERRNO_TEXT = {
  ECONNRESET: 'connection reset by peer',
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EPIPE: 'broken pipe',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
};

/** `read tcp 10.0.0.1:4000->10.0.0.2:80: read: connection reset by peer`, as Go's net package says it. */
export function goStyleError(op, local, remote, error, proto = 'tcp') {
  const syscall = error.syscall ?? op;
  const text = ERRNO_TEXT[error.code] ?? error.message;
  if (op === 'dial') return `dial ${proto} ${remote}: ${syscall}: ${text}`;
  return `${op} ${proto} ${local}->${remote}: ${syscall}: ${text}`;
}

export function endpoint(address, port) {
  return address === undefined ? '?' : `${address}:${port}`;
}
