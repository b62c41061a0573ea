#!/usr/bin/env node
// A stub resolver for labs: each attempt sends its queries back to back from one socket
// (glibc sends A and AAAA that way), real DNS wire format, and waits for an answer to each;
// unanswered ones are sent again after `timeoutMs`.
// Arguments: { target: "ip:port", localPort?, logFile, label, name, types: ["A", "AAAA"],
//              timeoutMs (1000), attempts (3), await?: "name" (wait for stdin before sending) }
// Events on stdout: bound {localPort}, awaiting, answer {type, ms}, timeout {attempt},
// done {ok, localPort, attempts, ms}.
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { encodeQuery } from './dns-wire.mjs';
import { appLog, emit, parseArgs, sleep, waitRelease } from './program-io.mjs';

const args = parseArgs();
const log = appLog(args.logFile, args.label ?? 'resolver');
const at = args.target.lastIndexOf(':');
const host = args.target.slice(0, at);
const port = Number(args.target.slice(at + 1));
const timeoutMs = args.timeoutMs ?? 1000;
const attempts = args.attempts ?? 3;

const socket = dgram.createSocket('udp4');
await new Promise((resolve) => socket.bind(args.localPort ?? 0, resolve));
const localPort = socket.address().port;
emit('bound', { localPort });
if (args.await) {
  emit('awaiting', { name: args.await });
  await waitRelease(args.await);
}

// Pending queries by DNS id.
const pending = new Map((args.types ?? ['A', 'AAAA']).map((type) => [randomInt(1, 65535), type]));
const started = Date.now();
socket.on('message', (packet) => {
  const id = packet.readUInt16BE(0);
  const type = pending.get(id);
  if (type === undefined) return;
  pending.delete(id);
  log(`${type} ${args.name}: answered after ${Date.now() - started} ms`);
  emit('answer', { type, ms: Date.now() - started });
});

let attempt = 0;
while (pending.size > 0 && attempt < attempts) {
  attempt++;
  for (const [id, type] of pending) socket.send(encodeQuery(id, args.name, type), port, host);
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0 && Date.now() < deadline) await sleep(10);
  if (pending.size > 0)
    log(
      `read udp 0.0.0.0:${localPort}->${args.target}: i/o timeout (attempt ${attempt}, no answer for ${[...pending.values()].join(', ')} ${args.name})`,
    );
}
const ms = Date.now() - started;
if (pending.size > 0)
  log(`lookup ${args.name} on ${args.target}: read udp: i/o timeout after ${attempt} attempts`);
else if (attempt > 1) log(`lookup ${args.name}: resolved after ${ms} ms (${attempt} attempts)`);
emit('done', { ok: pending.size === 0, localPort, attempts: attempt, ms });
process.exit(0);
