import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { straceParser } from './strace.parser.js';

const shared = new URL('../../detection/__fixtures__/strace/', import.meta.url);
const lab = new URL('./__fixtures__/strace/', import.meta.url);
const parse = (root: URL, file: string) =>
  parseText(straceParser, readFileSync(new URL(file, root), 'utf8'), file);
const tod = (h: number, m: number, s: number, us: number) =>
  ((h * 60 + m) * 60 + s) * 1_000_000 + us;

describe('strace fixtures from curl and nc', () => {
  it('reads a refused non-blocking connect: EINPROGRESS, then SO_ERROR', () => {
    const { value, status } = parse(shared, 'curl-f-tt-refused.txt');
    expect(status).toBe('parsed');
    expect(value.clock).toBe('time-of-day');
    const connect = value.events.find((e) => e.locator.line === 20);
    expect(connect).toMatchObject({
      name: 'connect',
      fd: 5,
      errno: 'EINPROGRESS',
      timeUs: tod(23, 46, 20, 478711),
      address: { ip: '10.77.0.2', port: 7777 },
      result: '-1 EINPROGRESS (Operation now in progress)',
    });
    expect(value.events.find((e) => e.locator.line === 21)).toMatchObject({
      name: 'getsockopt',
      result: '0',
      errno: 'ECONNREFUSED',
    });
    expect(value.events.filter((e) => e.pid === 13595)).toHaveLength(5);
    // mmap, signals and exits are not socket calls.
    expect(value.events.every((e) => !['exit_group', 'mmap'].includes(e.name))).toBe(true);
  });

  it('reads -ttt epoch times and IPv6 sockaddrs', () => {
    const { value } = parse(shared, 'curl-f-ttt-ipv6.txt');
    expect(value.clock).toBe('epoch');
    expect(value.events.find((e) => e.name === 'getpeername')).toMatchObject({
      timeUs: 1795304782471433,
      address: { ip: 'fd77::2', port: 8080 },
    });
  });

  it('reads the pid column of -o files and the EHOSTUNREACH of nc', () => {
    expect(parse(shared, 'curl-o-f-tt-pid-prefix.txt').value.events[0]).toMatchObject({
      pid: 13650,
      name: 'socket',
      result: '3',
    });
    const nc = parse(shared, 'nc-f-tt-ehostunreach.txt').value.events;
    expect(nc.find((e) => e.name === 'getsockopt')).toMatchObject({
      errno: 'EHOSTUNREACH',
      timeUs: tod(23, 46, 22, 960923),
    });
  });

  it('reads -T durations and reports the program output mixed in only when it looks like strace', () => {
    const { value, issues } = parse(shared, 'python-f-tt-T-reset-by-peer.txt');
    expect(issues).toEqual([]);
    expect(value.events.find((e) => e.name === 'recvfrom')).toMatchObject({
      locator: { line: 124 },
      errno: 'ECONNRESET',
      fd: 3,
      durationUs: 20,
    });
    expect(value.events.find((e) => e.name === 'connect')).toMatchObject({
      address: { ip: '10.77.0.2', port: 15009 },
      durationUs: 506,
    });
  });
});

// The same threaded client (reset, EPIPE, half-close, refused, SO_LINGER close) in every mode.
describe('strace lab captures', () => {
  it.each([
    ['python-f-tt-threads.txt', 'time-of-day'],
    ['python-f-tt-T-threads.txt', 'time-of-day'],
    ['python-f-ttt-ipv6.txt', 'epoch'],
    ['python-o-f-tt.txt', 'time-of-day'],
    ['python-f-r.txt', 'relative'],
    ['python-f-t-y.txt', 'time-of-day'],
    ['python-f-tt-yy.txt', 'time-of-day'],
    ['python-f-notime.txt', 'none'],
  ])('%s', (file, clock) => {
    const { value, status } = parse(lab, file);
    expect(status).toBe('parsed');
    expect(value.clock).toBe(clock);
    expect(value.events).toHaveLength(26);
    const names = (errno: string) =>
      value.events.filter((e) => e.errno === errno).map((e) => e.name);
    expect(names('ECONNRESET')).toEqual(['recvfrom']);
    expect(names('EPIPE')).toEqual(['sendto', 'sendto']);
    expect(names('ECONNREFUSED')).toEqual(['connect']);
    // The blocked recvfrom, interrupted by other threads, is joined with its resumption.
    const blocked = value.events[2];
    expect(blocked).toMatchObject({ locator: { line: 3 }, name: 'recvfrom', result: '4', fd: 3 });
    expect(blocked?.args).toMatch(/^3(<.*>)?, "late", 100, 0, NULL, NULL$/);
    expect(value.events.find((e) => e.name === 'setsockopt')?.args).toContain(
      'SO_LINGER, {l_onoff=1, l_linger=0}',
    );
    expect(value.events.find((e) => e.name === 'shutdown')?.args).toMatch(/SHUT_WR$/);
  });

  it('gives the peer from -yy descriptors and resumed-call durations', () => {
    expect(parse(lab, 'python-f-tt-yy.txt').value.events[5]).toMatchObject({
      name: 'sendto',
      address: { ip: '10.79.0.2', port: 8081 },
    });
    expect(parse(lab, 'python-f-tt-T-threads.txt').value.events[2]).toMatchObject({
      durationUs: 300332,
      timeUs: tod(0, 37, 57, 840018),
    });
  });

  it('reads -ff per-pid files, where a call starts and ends in one file', () => {
    const thread = parse(lab, 'ff-thread.13928.txt').value.events;
    expect(thread.map((e) => e.name)).toEqual([
      'socket',
      'connect',
      'recvfrom',
      'setsockopt',
      'close',
    ]);
    expect(thread[0]).not.toHaveProperty('pid');
  });
});

describe('strace edge cases', () => {
  it('keeps a call still blocked at the end, and reports truncated lines', () => {
    const text = [
      '[pid 7] 10:00:00.000001 connect(5, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("10.0.0.1")}, 16 <unfinished ...>',
      '10:00:00.000002 read(3, "abc',
      '10:00:00.000003 write(3, "a)b", 3) = 3',
    ].join('\n');
    const { value, issues } = parseText(straceParser, text, 's.txt');
    expect(value.events.map((e) => [e.name, e.result])).toEqual([
      ['connect', 'unfinished'],
      ['write', '3'],
    ]);
    expect(value.events[0]).toMatchObject({ pid: 7, address: { ip: '10.0.0.1', port: 80 } });
    expect(issues.map((i) => [i.locator.line, i.code])).toEqual([[2, 'UNPARSEABLE_LINE']]);
  });

  it('reads an accept with the client address and a resumed call with no start', () => {
    const text = [
      '3431299 accept(3, {sa_family=AF_INET, sin_port=htons(36252), sin_addr=inet_addr("127.0.0.1")}, [128->16]) = 9',
      '[pid 8] <... read resumed>"x", 10) = 1',
      '[pid 8] --- SIGPIPE {si_signo=SIGPIPE} ---',
      '[pid 8] +++ killed by SIGPIPE +++',
    ].join('\n');
    const { value, issues } = parseText(straceParser, text);
    expect(issues).toEqual([]);
    expect(value.events[0]).toMatchObject({
      pid: 3431299,
      name: 'accept',
      fd: 3,
      result: '9',
      address: { ip: '127.0.0.1', port: 36252 },
    });
    expect(value.events[1]).toMatchObject({ pid: 8, name: 'read', args: '"x", 10', result: '1' });
  });
});
