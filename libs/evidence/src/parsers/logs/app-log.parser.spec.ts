import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { appLogParser } from './app-log.parser.js';

const root = new URL('../../detection/__fixtures__/app-log/', import.meta.url);
const parse = (file: string) =>
  parseText(appLogParser, readFileSync(new URL(file, root), 'utf8'), file);
const utc = (h: number, m: number, s: number, ms = 0) =>
  Date.UTC(2026, 0, 14, h, m, s) * 1000 + ms * 1000;

describe('app log fixtures', () => {
  it('kubectl port-forward: the reset, the broken pipe, and the lost connection', () => {
    const { value, status } = parse('kubectl-port-forward.txt');
    expect(status).toBe('parsed');
    expect(value.map((e) => [e.locator.line, e.errorKind])).toEqual([
      [6, 'ECONNRESET'],
      [7, 'EPIPE'],
      [8, 'LOST_CONNECTION'],
      [9, 'LOST_CONNECTION'],
    ]);
    expect(value[0]).toMatchObject({
      source: 'app',
      level: 'error',
      client: { ip: '127.0.0.1', port: 50432 },
      server: { ip: '127.0.0.1', port: 5432 },
      fields: { portForward: '5432 -> 5432', partialTime: '--01-14T10:21:07.412093' },
    });
    // `write tcp4 127.0.0.1:5432->127.0.0.1:50430`: the local side is the listener.
    expect(value[1]).toMatchObject({
      client: { ip: '127.0.0.1', port: 50430 },
      server: { ip: '127.0.0.1', port: 5432 },
    });
  });

  it('Go stdlib log lines', () => {
    const { value } = parse('go-stdlib-log.txt');
    expect(value.map((e) => [e.locator.line, e.errorKind])).toEqual([
      [2, 'ECONNRESET'],
      [3, 'ETIMEDOUT'],
      [4, 'EOF'],
      [5, 'ETIMEDOUT'],
      [6, 'EPIPE'],
      [7, 'EOF'],
      [8, 'ETIMEDOUT'],
    ]);
    expect(value[0]).toMatchObject({
      timeUs: utc(10, 21, 7),
      client: { ip: '10.244.1.5', port: 43982 },
      server: { ip: '10.96.0.10', port: 5432 },
    });
    expect(value[1]).toMatchObject({
      server: { ip: '10.96.0.10', port: 5432 },
      fields: { op: 'dial' },
    });
  });

  it('zap JSON with epoch seconds', () => {
    const { value } = parse('go-zap-json.txt');
    expect(value).toHaveLength(2);
    expect(value[0]).toMatchObject({
      timeUs: 1768385467913000,
      level: 'error',
      errorKind: 'ECONNRESET',
    });
  });

  it('Java stack trace: the cause line inherits the record time', () => {
    const { value } = parse('java-spring-hikari-stacktrace.txt');
    expect(value.map((e) => [e.locator.line, e.errorKind])).toEqual([
      [1, 'EOF'],
      [10, 'ECONNRESET'],
      [16, 'ETIMEDOUT'],
    ]);
    expect(value[1]).toMatchObject({
      timeUs: utc(10, 21, 7, 423),
      message: 'Caused by: java.net.SocketException: Connection reset',
      fields: { timeFrom: 'previous-line' },
    });
    expect(value[2]).toMatchObject({ level: 'warning', timeUs: utc(10, 21, 37, 501) });
  });

  it('Node errors, without the error object property lines', () => {
    const { value } = parse('node-client-errors.txt');
    expect(value.map((e) => [e.locator.line, e.errorKind])).toEqual([
      [2, 'ECONNRESET'],
      [9, 'ETIMEDOUT'],
      [18, 'ECONNRESET'],
    ]);
    expect(value[1]).toMatchObject({
      server: { ip: '10.0.0.5', port: 5432 },
      timeUs: utc(10, 21, 37, 420),
    });
  });

  it('a client naming its own connection as local -> remote', () => {
    const { value } = parseText(
      appLogParser,
      '2026-01-14T10:21:37.420Z worker GET /items failed on reused connection 10.1.0.5:41824 -> 10.96.0.10:80: Error: socket hang up (ECONNRESET)\n',
      'client.log',
    );
    expect(value[0]).toMatchObject({
      errorKind: 'ECONNRESET',
      client: { ip: '10.1.0.5', port: 41824 },
      server: { ip: '10.96.0.10', port: 80 },
    });
  });

  it('Python traceback and retries', () => {
    const { value } = parse('python-requests-traceback.txt');
    expect(value.map((e) => e.errorKind)).toEqual([
      'ECONNRESET',
      'ECONNRESET',
      'ECONNRESET',
      'ETIMEDOUT',
    ]);
    expect(value[3]).toMatchObject({ timeUs: utc(10, 21, 38, 511), level: 'error' });
  });

  it('nginx upstream errors name the upstream', () => {
    const { value } = parse('nginx-error.txt');
    expect(value.map((e) => e.errorKind)).toEqual(['ECONNRESET', 'EOF', 'ETIMEDOUT']);
    expect(value[0]).toMatchObject({
      level: 'error',
      timeUs: utc(10, 21, 7),
      server: { ip: '10.244.2.9', port: 8080 },
      fields: { clientIp: '10.244.0.1' },
    });
  });

  it('kubelet journal lines: probe refused', () => {
    const { value } = parse('journal-kubelet-containerd.txt');
    expect(value).toHaveLength(2);
    expect(value[0]).toMatchObject({
      errorKind: 'ECONNREFUSED',
      level: 'error',
      server: { ip: '10.244.1.5', port: 8080 },
      fields: { partialTime: '--01-14T10:21:07.412093' },
    });
  });
});

describe('app log edge cases', () => {
  it('libpq and CRI-wrapped lines; quiet lines are not events', () => {
    const text = [
      'psql: error: connection to server at "10.0.0.5", port 5432 failed: server closed the connection unexpectedly',
      'SSL SYSCALL error: EOF detected',
      '2026-01-14T10:00:00.5Z stderr F dial tcp [fd77::2]:5432: connect: no route to host',
      'everything is fine',
    ].join('\n');
    const { value, status, unitsRead } = parseText(appLogParser, text);
    expect(status).toBe('parsed');
    expect(unitsRead).toBe(4);
    expect(value.map((e) => e.errorKind)).toEqual(['EOF', 'EOF', 'EHOSTUNREACH']);
    expect(value[2]).toMatchObject({
      timeUs: Date.UTC(2026, 0, 14, 10) * 1000 + 500_000,
      server: { ip: 'fd77::2', port: 5432 },
    });
  });
});
