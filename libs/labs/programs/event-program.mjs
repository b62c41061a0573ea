// The opening shared by the lab programs that report bare JSON events on stdout (the kit's
// LabProgram waits on them): options from argv[2], a timestamped log line per event under the
// program's name (the app log an engineer collects), socket addresses as the logs show them,
// and the way a process that stops calling recv() leaves bytes queued in the kernel.
// Unlike program-io.mjs it reads nothing from stdin, so importing it changes no lifetime.
import { appendFileSync } from 'node:fs';

/** `{ options, name, emit, log }` for a program run as `node <program>.mjs '<json options>'`. */
export function eventProgram(defaultName, { logToStderr = false } = {}) {
  const options = JSON.parse(process.argv[2] ?? '{}');
  const name = options.name ?? defaultName;
  const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
  const log = (line) => {
    const text = `${new Date().toISOString()} ${name} ${line}\n`;
    if (options.logFile) appendFileSync(options.logFile, text);
    else if (logToStderr) process.stderr.write(text);
  };
  return { options, name, emit, log };
}

/** `10.0.0.1:80`, `[fd78::1]:80`; IPv4-mapped addresses lose their `::ffff:` prefix. */
export function endpoint(address, port) {
  const host = (address ?? '?').replace(/^::ffff:/, '');
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// Node has no public call that leaves bytes in the kernel: pause() still reads into a JS
// buffer. readStop() on the handle is what a process that stops calling recv() does.
export function stopReading(socket) {
  socket.pause();
  socket._handle?.readStop?.();
}

/**
 * Runs a client's `main` to its end: SIGTERM ends it quietly, a run past `runForMs` ends it
 * with 3 (the lab sees a stuck client as a failure), a crash is logged and ends it with 2.
 */
export function runClientMain(main, options, log) {
  process.on('SIGTERM', () => process.exit(0));
  setTimeout(() => process.exit(3), options.runForMs ?? 60_000).unref();
  main().catch((error) => {
    log(`crashed: ${error.stack ?? error}`);
    process.exit(2);
  });
}
