import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { netstatParser } from './netstat.parser.js';

const shared = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');
const local = (path: string) =>
  readFileSync(new URL(`./__fixtures__/${path}`, import.meta.url), 'utf8');
const parse = (text: string) => parseText(netstatParser, text, 'netstat.txt');
const at = <T extends { locator: { line?: number } }>(sockets: readonly T[], line: number) =>
  sockets.find((socket) => socket.locator.line === line);

describe('netstatParser over real net-tools output', () => {
  it.each([
    [shared('netstat/tan.txt'), 12],
    [shared('netstat/tanp.txt'), 20],
    [shared('netstat/tanpo-timers.txt'), 12],
    [shared('netstat/an-with-unix-sockets.txt'), 21],
    [local('netstat-anpo-udp-and-unix.txt'), 14],
    [local('netstat-tanpo-keepalive.txt'), 6],
  ])('reads every IP socket (#%#) without issues', (text, sockets) => {
    const outcome = parse(text);
    expect(outcome.issues).toEqual([]);
    expect(outcome.value).toHaveLength(sockets);
  });

  it('gives states their ss spellings', () => {
    const { value } = parse(shared('netstat/tan.txt'));
    expect(value[0]).toEqual({
      locator: { artifact: 'netstat.txt', line: 3 },
      protocol: 'tcp',
      state: 'TIME-WAIT',
      recvQ: 0,
      sendQ: 0,
      local: { ip: '10.77.0.1', port: 43588 },
      peer: { ip: '10.77.0.2', port: 80 },
    });
    expect(at(value, 7)).toMatchObject({
      state: 'FIN-WAIT-2',
      peer: { ip: '10.96.0.20', port: 80 },
    });
    expect(at(value, 6)).toMatchObject({ state: 'ESTAB', sendQ: 72472 });
    expect(at(value, 13)).toMatchObject({ local: { ip: 'fd77::1', port: 49450 } });
  });

  it('reads -p programs and tcp6 listeners', () => {
    const { value } = parse(shared('netstat/tanp.txt'));
    expect(at(value, 3)).toMatchObject({
      state: 'LISTEN',
      local: { ip: '::', port: 15009 },
      peer: null,
      processes: [{ pid: 13125, name: 'python3' }],
    });
    expect(at(value, 7)?.processes).toBeUndefined();
    expect(at(value, 8)).toMatchObject({ state: 'ESTAB', recvQ: 127528 });
  });

  it('reads -o timers, with netstat probe as ss persist', () => {
    const { value } = parse(shared('netstat/tanpo-timers.txt'));
    expect(at(value, 3)?.timer).toEqual({ name: 'timewait', expiresMs: 49620, retransmits: 0 });
    expect(at(value, 6)?.timer).toEqual({ name: 'persist', expiresMs: 1760, retransmits: 0 });
    expect(at(value, 8)?.timer).toEqual({ name: 'off', retransmits: 0 });
    expect(at(value, 9)).toMatchObject({
      timer: { name: 'keepalive', expiresMs: 25050, retransmits: 0 },
      processes: [{ pid: 13415, name: 'python3' }],
    });
    const keepalive = at(parse(local('netstat-tanpo-keepalive.txt')).value, 6);
    expect(keepalive?.timer).toEqual({ name: 'keepalive', expiresMs: 7_196_490, retransmits: 0 });
  });

  it('reads UDP rows without a state as UNCONN and passes over unix sockets', () => {
    const { value } = parse(local('netstat-anpo-udp-and-unix.txt'));
    expect(at(value, 15)).toMatchObject({
      protocol: 'udp',
      state: 'UNCONN',
      local: { ip: '0.0.0.0', port: 53 },
      peer: null,
      processes: [{ pid: 11484, name: 'socat' }],
      timer: { name: 'off' },
    });
    expect(value.every((socket) => (socket.locator.line ?? 0) <= 16)).toBe(true);
  });
});

describe('netstatParser edge cases', () => {
  it('reads -e user and inode columns and program names with spaces', () => {
    const { value, issues } = parse(
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name     Timer\n' +
        'tcp        0      0 10.0.0.1:80             10.0.0.2:5000           ESTABLISHED 33         4242       812/nginx: worker    on (0.20/3/0)\n',
    );
    expect(issues).toEqual([]);
    expect(value[0]).toMatchObject({
      uid: 33,
      inode: 4242,
      processes: [{ pid: 812, name: 'nginx: worker' }],
      timer: { name: 'on', expiresMs: 200, retransmits: 3 },
    });
  });

  it('reads connected UDP and raw sockets', () => {
    const { value } = parse(
      'udp        0      0 10.0.0.1:5000           10.0.0.53:53            ESTABLISHED\n' +
        'raw6       0      0 :::58                   :::*                    7\n',
    );
    expect(value.map((socket) => [socket.protocol, socket.state])).toEqual([
      ['udp', 'ESTAB'],
      ['other', 'UNCONN'],
    ]);
  });

  it('skips the -p notice of a non-root run without an issue', () => {
    const outcome = parse(
      '(Not all processes could be identified, non-owned process info\n will not be shown, you would have to be root to see it all.)\n' +
        'tcp 0 0 10.0.0.1:80 10.0.0.2:5000 ESTABLISHED\n',
    );
    expect(outcome.issues).toEqual([]);
    expect(outcome.value).toHaveLength(1);
  });

  it('records issues with line numbers and keeps the readable rows', () => {
    const outcome = parse(
      'tcp 0 0 10.0.0.1:80 10.0.0.2:5000 ESTABLISHED\n' +
        'tcp 0 0 10.0.0.1:80 10.0.0.2:5000 BOGUS\n' +
        'tcp 0 0 2001:db8:1234:5678:9abc::1 10.0.0.2:5000 ESTABLISHED\n' +
        'hello world\n',
    );
    expect(outcome.value).toHaveLength(1);
    expect(outcome.issues.map((issue) => issue.locator.line)).toEqual([2, 3, 4]);
  });

  it('honours maxItems with one issue', () => {
    const rows = Array.from(
      { length: 4 },
      (_, i) => `tcp 0 0 10.0.0.1:${i + 1} 10.0.0.2:80 TIME_WAIT\n`,
    );
    const outcome = parseText(netstatParser, rows.join(''), 'n.txt', { maxItems: 1 });
    expect(outcome.value).toHaveLength(1);
    expect(outcome.issues).toEqual([
      expect.objectContaining({ code: 'TOO_MANY_ITEMS', locator: { artifact: 'n.txt', line: 2 } }),
    ]);
  });
});
