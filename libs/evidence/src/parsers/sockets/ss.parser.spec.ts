import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { ssParser } from './ss.parser.js';

const shared = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');
const local = (path: string) =>
  readFileSync(new URL(`./__fixtures__/${path}`, import.meta.url), 'utf8');
const parse = (text: string, artifact = 'ss.txt') => parseText(ssParser, text, artifact);
const at = <T extends { locator: { line?: number } }>(sockets: readonly T[], line: number) =>
  sockets.find((socket) => socket.locator.line === line);

describe('ssParser over real ss output', () => {
  it.each([
    ['ss/tan-client.txt', 12],
    ['ss/tan-no-header.txt', 12],
    ['ss/tan-server-dual-stack.txt', 20],
    ['ss/tanoie-client.txt', 12],
    ['ss/tanoie-server.txt', 20],
    ['ss/tapionume-server.txt', 21],
    ['ss/state-filter-no-state-column.txt', 2],
    ['ss/iproute2-4x-tan.txt', 12],
    ['ss/iproute2-4x-tanoie.txt', 5],
    ['ss/iproute2-4x-tuan-netid.txt', 7],
  ])('reads every socket of %s without issues', (path, sockets) => {
    const outcome = parse(shared(path), path);
    expect(outcome.issues).toEqual([]);
    expect(outcome.status).toBe('parsed');
    expect(outcome.value).toHaveLength(sockets);
    for (const socket of outcome.value) {
      expect(socket.locator.artifact).toBe(path);
      expect(socket.locator.line).toBeGreaterThan(0);
    }
  });

  it.each([
    ['ss-tuan-device-bound-udp.txt', 14],
    ['ss-tuanp-shared-sockets.txt', 14],
    ['ss-uan-no-netid.txt', 2],
    ['ss-an-netlink-unix-tcp.txt', 6],
    ['ss-tapionume-client-persist-timer.txt', 6],
  ])('reads every IP socket of the lab sample %s', (path, sockets) => {
    const outcome = parse(local(path), path);
    expect(outcome.issues).toEqual([]);
    expect(outcome.value).toHaveLength(sockets);
  });

  it('reads ss -tan rows, IPv4 and bracketed IPv6', () => {
    const { value } = parse(shared('ss/tan-client.txt'));
    expect(value[0]).toEqual({
      locator: { artifact: 'ss.txt', line: 2 },
      protocol: 'tcp',
      state: 'TIME-WAIT',
      recvQ: 0,
      sendQ: 0,
      local: { ip: '10.77.0.1', port: 43588 },
      peer: { ip: '10.77.0.2', port: 80 },
    });
    expect(at(value, 5)).toMatchObject({ state: 'ESTAB', sendQ: 72472, peer: { port: 15007 } });
    expect(at(value, 12)).toMatchObject({
      state: 'ESTAB',
      local: { ip: 'fd77::1', port: 49450 },
      peer: { ip: 'fd77::2', port: 15006 },
    });
  });

  it('gives headerless ss -H rows the same sockets as the listing with a header', () => {
    const withHeader = parse(shared('ss/tan-client.txt')).value;
    const headerless = parse(shared('ss/tan-no-header.txt')).value;
    const strip = (sockets: typeof withHeader) =>
      sockets.map(({ locator: _locator, ...socket }) => socket);
    expect(strip(headerless)).toEqual(strip(withHeader));
  });

  it('reads listeners as a wildcard local address and no peer, and unmaps dual-stack peers', () => {
    const { value } = parse(shared('ss/tan-server-dual-stack.txt'));
    expect(at(value, 2)).toMatchObject({
      state: 'LISTEN',
      sendQ: 16,
      local: { ip: '0.0.0.0', port: 15009 },
      peer: null,
    });
    // `[::ffff:10.77.0.2]:15007`: the IPv4 flow as captures and conntrack show it.
    expect(at(value, 7)).toMatchObject({
      state: 'ESTAB',
      recvQ: 127528,
      local: { ip: '10.77.0.2', port: 15007 },
      peer: { ip: '10.77.0.1', port: 36646 },
    });
  });

  it('reads -o timers, -e inode and shutdown marks, and -i details from the second line', () => {
    const { value } = parse(shared('ss/tanoie-client.txt'));
    const persisting = at(value, 8)!;
    // `persist,1.848ms`: 1 s and 848 ms.
    expect(persisting.timer).toEqual({ name: 'persist', expiresMs: 1848, retransmits: 0 });
    expect(persisting.inode).toBe(35996);
    expect(persisting.details).toMatchObject({
      sk: '1043',
      shutdown: '<->',
      wscale: '10,10',
      rto: '212',
      backoff: '4',
      rtt: '10.362/17.784',
      cwnd: '100',
      send: '111793090bps',
      pacing_rate: '26135803560bps',
      delivery_rate: '2370528bps',
      notsent: '72472',
      ts: '',
      sack: '',
    });
    expect(at(value, 2)?.timer).toEqual({ name: 'timewait', expiresMs: 49000, retransmits: 0 });
    expect(at(value, 14)?.timer).toEqual({ name: 'keepalive', expiresMs: 25000, retransmits: 0 });
    // FIN-WAIT-2 after our FIN: the send side is shut down.
    expect(at(value, 12)?.details?.shutdown).toBe('<--');
  });

  it('marks a CLOSE-WAIT socket as shut for receiving (`-->`)', () => {
    const { value } = parse(shared('ss/tanoie-server.txt'));
    expect(at(value, 26)).toMatchObject({
      state: 'CLOSE-WAIT',
      local: { ip: '10.77.0.2', port: 15006 },
      peer: { ip: '10.77.0.1', port: 57256 },
      inode: 35995,
      details: { shutdown: '-->' },
    });
    expect(at(value, 2)?.details).toMatchObject({ v6only: '0', cwnd: '10', bbr: '' });
  });

  it('reads -p processes and -m socket memory', () => {
    const { value } = parse(shared('ss/tapionume-server.txt'));
    expect(at(value, 2)).toMatchObject({
      protocol: 'udp',
      state: 'UNCONN',
      local: { ip: '10.77.0.2', port: 53 },
      peer: null,
      processes: [{ name: 'nc', pid: 13124, fd: 3 }],
      inode: 35502,
      details: { skmem: '(r0,rb212992,t0,tb212992,f4096,w0,o0,bl0,d0)' },
    });
    expect(at(value, 4)).toMatchObject({
      protocol: 'tcp',
      state: 'LISTEN',
      processes: [{ name: 'python3', pid: 13125, fd: 3 }],
    });
  });

  it('reads every process sharing a socket', () => {
    const { value } = parse(local('ss-tuanp-shared-sockets.txt'));
    expect(at(value, 8)?.processes).toEqual([
      { name: 'socat', pid: 11933, fd: 6 },
      { name: 'socat', pid: 11929, fd: 6 },
    ]);
    expect(at(value, 10)).toMatchObject({ recvQ: 122880, local: { ip: '10.88.0.2', port: 7000 } });
  });

  it('keeps the device a socket is bound to (`10.0.0.1%lo:53`)', () => {
    const { value } = parse(local('ss-tuan-device-bound-udp.txt'));
    expect(value[0]).toMatchObject({
      protocol: 'udp',
      local: { ip: '0.0.0.0', port: 53 },
      details: { device: 'nmtxt-vb' },
    });
    expect(value[1]).toMatchObject({
      local: { ip: '127.0.0.1', port: 5353 },
      details: { device: 'lo' },
    });
  });

  it('settles the protocol of a listing without Netid from its states', () => {
    expect(parse(local('ss-uan-no-netid.txt')).value.map((s) => s.protocol)).toEqual([
      'udp',
      'udp',
    ]);
    expect(new Set(parse(shared('ss/tan-client.txt')).value.map((s) => s.protocol))).toEqual(
      new Set(['tcp']),
    );
  });

  it('passes over netlink and unix rows of ss -a without issues', () => {
    const { value } = parse(local('ss-an-netlink-unix-tcp.txt'));
    expect(value.map((socket) => socket.locator.line)).toEqual([23, 24, 25, 26, 27, 28]);
  });

  it('reads users:(…) before timer:(…), as -p prints it', () => {
    const { value } = parse(local('ss-tapionume-client-persist-timer.txt'));
    expect(at(value, 8)).toMatchObject({
      processes: [{ name: 'socat', pid: 11919, fd: 5 }],
      timer: { name: 'keepalive', expiresMs: 7_140_000 },
      inode: 138483,
    });
  });

  it('reads a state-filtered listing (no State column) with the state unknown', () => {
    const { value } = parse(shared('ss/state-filter-no-state-column.txt'));
    expect(value).toEqual([
      expect.objectContaining({
        state: 'UNKNOWN',
        protocol: 'tcp',
        local: { ip: '10.77.0.1', port: 57264 },
        peer: { ip: '10.77.0.2', port: 15006 },
      }),
      expect.objectContaining({ local: { ip: 'fd77::1', port: 49450 } }),
    ]);
  });

  describe('iproute2 4.x', () => {
    it('reads unbracketed IPv6 and the `:::port` wildcard', () => {
      const { value } = parse(shared('ss/iproute2-4x-tan.txt'));
      expect(at(value, 12)).toMatchObject({
        state: 'LISTEN',
        local: { ip: '::', port: 10250 },
        peer: null,
      });
      expect(at(value, 13)).toMatchObject({
        local: { ip: '10.244.1.5', port: 8080 },
        peer: { ip: '10.244.3.7', port: 40112 },
      });
      expect(at(value, 10)).toMatchObject({ state: 'SYN-SENT', sendQ: 1 });
    });

    it('reads uid, sk pointers, minute timers and retransmitting SYN timers', () => {
      const { value } = parse(shared('ss/iproute2-4x-tanoie.txt'));
      expect(at(value, 2)).toMatchObject({
        uid: 1337,
        inode: 4119213,
        details: { sk: 'ffff8f6a3b2c0000', cubic: '', rto: '1000' },
      });
      expect(at(value, 4)?.timer).toEqual({
        name: 'keepalive',
        expiresMs: 434_000,
        retransmits: 0,
      });
      expect(at(value, 4)?.details).toMatchObject({ send: '281.2Mbps', pacing_rate: '562.3Mbps' });
      expect(at(value, 10)).toMatchObject({
        state: 'SYN-SENT',
        timer: { name: 'on', expiresMs: 1012, retransmits: 3 },
        details: { backoff: '3', retrans: '1/4', unacked: '1' },
      });
      expect(at(value, 8)?.details?.shutdown).toBe('-->');
    });

    it('reads the Netid column of -tuan', () => {
      const { value } = parse(shared('ss/iproute2-4x-tuan-netid.txt'));
      expect(value.map((s) => `${s.protocol} ${s.state}`)).toEqual([
        'udp UNCONN',
        'udp UNCONN',
        'tcp LISTEN',
        'tcp ESTAB',
        'tcp SYN-SENT',
        'tcp FIN-WAIT-2',
        'tcp LISTEN',
      ]);
    });
  });
});

describe('ssParser edge cases', () => {
  it('reads link-local addresses with a scope, inside or after the brackets', () => {
    const { value, issues } = parse(
      'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port\n' +
        'tcp   ESTAB  0      0      [fe80::1%eth0]:80  [fe80::2%eth0]:5000\n' +
        'udp   UNCONN 0      0      [fe80::1]%eth0:546 [::]:*\n' +
        'tcp   LISTEN 0      128    [::]:22 [::]:*\n',
    );
    expect(issues).toEqual([]);
    expect(value[0]).toMatchObject({
      local: { ip: 'fe80::1', port: 80 },
      peer: { ip: 'fe80::2', port: 5000 },
      details: { device: 'eth0' },
    });
    expect(value[1]).toMatchObject({
      local: { ip: 'fe80::1', port: 546 },
      peer: null,
      details: { device: 'eth0' },
    });
    expect(value[2]).toMatchObject({ local: { ip: '::', port: 22 }, peer: null });
  });

  it('reads process names holding spaces, commas and parentheses, and the 3.x layout', () => {
    const { value, issues } = parse(
      'ESTAB 0 0 10.0.0.1:80 10.0.0.2:5000 users:(("nginx: worker (1)",pid=12,fd=45),("a,b",pid=13,fd=7)) ino:5\n' +
        'ESTAB 0 0 10.0.0.1:22 10.0.0.2:5001 users:(("sshd",1234,3))\n',
    );
    expect(issues).toEqual([]);
    expect(value[0]?.processes).toEqual([
      { name: 'nginx: worker (1)', pid: 12, fd: 45 },
      { name: 'a,b', pid: 13, fd: 7 },
    ]);
    expect(value[0]?.inode).toBe(5);
    expect(value[1]?.processes).toEqual([{ name: 'sshd', pid: 1234, fd: 3 }]);
  });

  it('maps NEW-SYN-RECV and BOUND from newer iproute2', () => {
    const { value } = parse(
      'NEW-SYN-RECV 0 0 10.0.0.1:80 10.0.0.2:5000\nBOUND 0 0 10.0.0.1:7 *:*\n',
    );
    expect(value.map((socket) => socket.state)).toEqual(['SYN-RECV', 'CLOSE']);
  });

  it('records an issue with the line number for a row it cannot read, and keeps going', () => {
    const outcome = parse(
      'State Recv-Q Send-Q Local Address:Port Peer Address:Port\n' +
        'ESTAB 0 0 10.0.0.1:80 10.0.0.2:5000\n' +
        'ESTAB x 0 10.0.0.1:80 10.0.0.2:5000\n' +
        'ESTAB 0 0 10.0.0.300:80 10.0.0.2:5000\n' +
        'ESTAB 0 0 localhost:http 10.0.0.2:5000\n' +
        'ESTAB 0 0 10.0.0.1:80 10.0.0.2:5001 timer:(keepalive,banana,0)\n' +
        '\t orphaned detail\n',
    );
    expect(outcome.status).toBe('partial');
    expect(outcome.value.map((socket) => socket.locator.line)).toEqual([2, 6]);
    expect(outcome.issues.map((issue) => [issue.locator.line, issue.code])).toEqual([
      [3, 'UNPARSEABLE_LINE'],
      [4, 'UNPARSEABLE_LINE'],
      [5, 'UNPARSEABLE_LINE'],
      [6, 'UNPARSEABLE_FIELD'],
    ]);
    expect(outcome.issues[2]?.message).toMatch(/-n/);
  });

  it('reports an indented line before any socket', () => {
    const outcome = parse('\t cubic rto:204\n');
    expect(outcome.status).toBe('failed');
    expect(outcome.issues[0]).toMatchObject({ locator: { line: 1 }, code: 'UNPARSEABLE_LINE' });
  });

  it('keeps maxItems sockets, counts the rest in one issue, and drops their detail lines', () => {
    const rows = Array.from(
      { length: 5 },
      (_, i) => `ESTAB 0 0 10.0.0.1:${i + 1} 10.0.0.2:80\n\t cwnd:${i}\n`,
    );
    const outcome = parseText(ssParser, rows.join(''), 'ss.txt', { maxItems: 2 });
    expect(outcome.value).toHaveLength(2);
    expect(outcome.value[1]?.details).toEqual({ cwnd: '1' });
    expect(outcome.issues).toEqual([
      {
        locator: { artifact: 'ss.txt', line: 5 },
        code: 'TOO_MANY_ITEMS',
        message: '3 sockets beyond the limit of 2 were counted, not kept',
      },
    ]);
  });

  it('returns nothing, without issues, for a header alone', () => {
    const outcome = parse('State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n');
    expect(outcome).toMatchObject({ status: 'parsed', value: [], issues: [] });
  });
});
