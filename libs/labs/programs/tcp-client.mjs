#!/usr/bin/env node
// A TCP client for labs. Arguments (one JSON object):
//   target: "ip:port"; localAddress, localPort (optional bind)
//   logFile, label                 app log (default label "client")
//   connections (1), staggerMs (0) several connections, each running `steps`
//   connectTimeoutMs               give up on connect (logs "i/o timeout"); else the kernel's
//                                  SYN retries decide (tcp_syn_retries in the namespace)
//   keepAliveMs                    SO_KEEPALIVE with this idle time
//   steps: [{ write: "text" } | { writeBytes: n } | { read: { bytes?, timeoutMs? } }
//           | { sleepMs: n } | { await: "name" } | { end: true } | { waitEnd: { timeoutMs? } }
//           | { mark: "name" } | { close: true } | { destroy: true }]
// Events on stdout: connected {conn, local, remote}, awaiting {conn, name}, step {conn, index},
// mark {conn, name}, error {conn, op, code, message, local}, closed {conn}, done {results}.
// Exits 0 whether connections failed or not: failing is what labs are for.
import net from 'node:net';
import {
  appLog,
  emit,
  endpoint,
  goStyleError,
  parseArgs,
  sleep,
  waitRelease,
} from './program-io.mjs';

const args = parseArgs();
const log = appLog(args.logFile, args.label ?? 'client');
const [host, portText] = splitTarget(args.target);
const port = Number(portText);

function splitTarget(target) {
  const at = target.lastIndexOf(':');
  return [target.slice(0, at).replace(/^\[|\]$/g, ''), target.slice(at + 1)];
}

/** Bytes and ends arrive as events; steps wait on them. */
class Inbox {
  received = 0;
  ended = false;
  failure = undefined;
  waiters = [];
  notify() {
    for (const wake of this.waiters.splice(0)) wake();
  }
  until(test, timeoutMs) {
    return new Promise((resolve) => {
      let timer;
      const check = () => {
        if (test() || this.failure) {
          clearTimeout(timer);
          resolve(true);
          return;
        }
        this.waiters.push(check);
      };
      if (timeoutMs !== undefined)
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve(false);
        }, timeoutMs);
      check();
    });
  }
}

function connect(conn) {
  return new Promise((resolve) => {
    const socket = net.connect({
      host,
      port,
      allowHalfOpen: true,
      ...(args.localAddress ? { localAddress: args.localAddress } : {}),
      ...(args.localPort ? { localPort: args.localPort } : {}),
    });
    let timer;
    if (args.connectTimeoutMs)
      timer = setTimeout(() => {
        const error = Object.assign(new Error('i/o timeout'), { code: 'IOTIMEOUT' });
        log(`dial tcp ${args.target}: i/o timeout`);
        emit('error', { conn, op: 'dial', code: error.code, message: error.message });
        socket.destroy();
        resolve({ socket: undefined, error });
      }, args.connectTimeoutMs);
    const onDialError = (error) => {
      clearTimeout(timer);
      log(goStyleError('dial', undefined, args.target, error));
      emit('error', { conn, op: 'dial', code: error.code, message: error.message });
      resolve({ socket: undefined, error });
    };
    socket.once('error', onDialError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onDialError);
      resolve({ socket });
    });
  });
}

async function runConnection(conn) {
  const started = Date.now();
  const { socket, error } = await connect(conn);
  if (!socket) return { conn, ok: false, op: 'dial', code: error.code, ms: Date.now() - started };
  const local = endpoint(socket.localAddress, socket.localPort);
  const remote = args.target;
  if (args.keepAliveMs) socket.setKeepAlive(true, args.keepAliveMs);
  socket.setNoDelay(true);
  log(`connected ${local}->${remote} in ${Date.now() - started} ms`);
  emit('connected', { conn, local, remote, ms: Date.now() - started });

  const inbox = new Inbox();
  let lastOp = 'read';
  socket.on('data', (chunk) => {
    inbox.received += chunk.length;
    inbox.notify();
  });
  socket.on('end', () => {
    inbox.ended = true;
    log(`${local}->${remote}: server closed its side (EOF)`);
    inbox.notify();
  });
  socket.on('error', (failure) => {
    inbox.failure = failure;
    const op = failure.syscall === 'write' ? 'write' : lastOp;
    log(goStyleError(op, local, remote, failure));
    emit('error', { conn, op, code: failure.code, message: failure.message, local });
    inbox.notify();
  });
  const closed = new Promise((resolve) => socket.once('close', resolve));

  const fail = (op, code) => ({ conn, ok: false, op, code, local, ms: Date.now() - started });
  for (const [index, step] of (args.steps ?? []).entries()) {
    if (inbox.failure) break;
    emit('step', { conn, index });
    if (step.write !== undefined || step.writeBytes !== undefined) {
      lastOp = 'write';
      const data = step.write ?? Buffer.alloc(step.writeBytes, 0x61);
      await new Promise((resolve) => socket.write(data, () => resolve()));
      lastOp = 'read';
    } else if (step.read) {
      const wanted = inbox.received + (step.read.bytes ?? 1);
      const ok = await inbox.until(
        () => inbox.received >= wanted || inbox.ended,
        step.read.timeoutMs,
      );
      if (!ok) {
        log(`read tcp ${local}->${remote}: i/o timeout`);
        emit('error', { conn, op: 'read', code: 'IOTIMEOUT', message: 'i/o timeout', local });
        socket.destroy();
        return fail('read', 'IOTIMEOUT');
      }
    } else if (step.sleepMs !== undefined) {
      await sleep(step.sleepMs);
    } else if (step.await !== undefined) {
      emit('awaiting', { conn, name: step.await });
      await waitRelease(step.await);
    } else if (step.mark !== undefined) {
      emit('mark', { conn, name: step.mark, local });
    } else if (step.end) {
      socket.end();
      log(`${local}->${remote}: closed our side (shutdown write)`);
    } else if (step.waitEnd) {
      const ok = await inbox.until(() => inbox.ended, step.waitEnd.timeoutMs);
      if (!ok) {
        log(`read tcp ${local}->${remote}: i/o timeout`);
        emit('error', { conn, op: 'read', code: 'IOTIMEOUT', message: 'i/o timeout', local });
        socket.destroy();
        return fail('read', 'IOTIMEOUT');
      }
    } else if (step.close) {
      socket.end();
      await Promise.race([closed, sleep(step.close.timeoutMs ?? 2000)]);
      socket.destroy();
    } else if (step.destroy) {
      socket.destroy();
    }
  }
  if (inbox.failure) {
    socket.destroy();
    return fail(inbox.failure.syscall === 'write' ? 'write' : lastOp, inbox.failure.code);
  }
  if (!socket.destroyed) socket.destroy();
  log(`${local}->${remote}: done`);
  emit('closed', { conn, local });
  return { conn, ok: true, local, ms: Date.now() - started };
}

const connections = args.connections ?? 1;
const runs = [];
for (let conn = 1; conn <= connections; conn++) {
  runs.push(runConnection(conn));
  if (args.staggerMs) await sleep(args.staggerMs);
}
const results = await Promise.all(runs);
emit('done', { results });
process.exit(0);
