import { describe, expect, it } from 'vitest';
import { MatchContext, type MatchInput } from '../context/match-context.js';
import { TcpConversation, pcap, syntheticBundle, timeline } from '../testing/synthetic-bundle.js';
import { listenQueueOverflowDetector } from './listen-queue-overflow.detector.js';

const SERVER = '10.30.0.4:8080';

function best(input: MatchInput) {
  const found = listenQueueOverflowDetector.detect(new MatchContext(input));
  return found.sort((a, b) => b.weighing.confidence - a.weighing.confidence)[0];
}

const nstat = (overflows: number) =>
  `#kernel\nTcpExtListenOverflows ${overflows} 0.0\nTcpExtListenDrops ${overflows} 0.0\nTcpExtSyncookiesSent 0 0.0\n`;
const ss = (recvQ: number, backlog: number, extra = '') =>
  `State    Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\nLISTEN   ${recvQ}      ${backlog}            0.0.0.0:8080       0.0.0.0:*\n${extra}`;

describe('listen-queue-overflow detector', () => {
  it('reads a SYN-ACK repeated after the client ACKed as the listener dropping the ACK of a full queue', async () => {
    const served = new TcpConversation('10.30.1.7:51000', SERVER).healthy(0);
    const stuck = new TcpConversation('10.30.1.7:51002', SERVER)
      .syn(0.1)
      .synAck(0.1002)
      .ack(0.1004);
    stuck.send(0.1005, 'client', 80);
    stuck.synAck(1.1002).ack(1.1004);
    stuck.retransmit(1.3, 'client', 1001, 80);
    stuck.synAck(3.1002);
    const input = await syntheticBundle([
      { path: 'server.pcap', content: pcap(timeline(served.packets, stuck.packets)) },
      { path: 'nstat-before.txt', content: nstat(0) },
      { path: 'nstat-after.txt', content: nstat(9) },
      { path: 'ss-ltn.txt', content: ss(4, 3) },
      {
        path: 'sysctl.txt',
        content: 'net.core.somaxconn = 4096\nnet.ipv4.tcp_abort_on_overflow = 0\n',
      },
    ]);
    const c = best(input)!;
    expect(c.flow).toEqual({ client: '10.30.1.7:51002', server: SERVER });
    expect(c.weighing.confidence).toBeGreaterThan(0.9);
    const notes = c.weighing.evidence.map((e) => e.note).join('\n');
    expect(notes).toMatch(/repeats its SYN-ACK after the client's ACK/);
    expect(notes).toMatch(/Recv-Q 4 .* Send-Q 3/);
    expect(c.notes?.join('\n')).toMatch(/below net.core.somaxconn = 4096/);
  });

  it('reads a reset right after the handshake with tcp_abort_on_overflow=1 as the queue refusing it', async () => {
    const reset = new TcpConversation('10.30.1.7:51100', SERVER).syn(0).synAck(0.001).ack(0.002);
    reset.send(0.003, 'client', 80);
    reset.rst(0.004, 'server');
    const input = await syntheticBundle([
      { path: 'client.pcap', content: pcap(reset.packets) },
      { path: 'nstat.txt', content: nstat(3) },
      { path: 'sysctl.txt', content: 'net.ipv4.tcp_abort_on_overflow = 1\n' },
      { path: 'ss-ltn.txt', content: ss(5, 4) },
    ]);
    const c = best(input)!;
    expect(c.flow?.client).toBe('10.30.1.7:51100');
    expect(c.weighing.confidence).toBeGreaterThan(0.9);
  });

  it('is silent when the listener keeps up', async () => {
    const ok = new TcpConversation('10.30.1.7:51200', SERVER).healthy(0);
    const input = await syntheticBundle([
      { path: 'server.pcap', content: pcap(ok.packets) },
      { path: 'nstat-before.txt', content: nstat(0) },
      { path: 'nstat-after.txt', content: nstat(0) },
      { path: 'ss-ltn.txt', content: ss(0, 128) },
    ]);
    expect(listenQueueOverflowDetector.detect(new MatchContext(input))).toEqual([]);
  });

  it('keeps an old overflow count plus one late connect below even odds', async () => {
    const late = new TcpConversation('10.30.1.7:51300', SERVER)
      .syn(0)
      .syn(1)
      .synAck(1.001)
      .ack(1.002);
    const input = await syntheticBundle([
      { path: 'server.pcap', content: pcap(late.packets) },
      { path: 'nstat.txt', content: nstat(2) },
    ]);
    expect(best(input)!.weighing.confidence).toBeLessThan(0.5);
  });

  it('without a capture, proves the dropped final ACK by SYN-RECV against conntrack and names the first connection left hanging', async () => {
    const entry = (t: string, type: string, state: string, port: number) =>
      `[1717000000.${t}]\t [${type}] tcp      6 60 ${state} src=10.30.1.7 dst=10.30.0.4 sport=${port} dport=8080 src=10.30.0.4 dst=10.30.1.7 sport=8080 dport=${port}\n`;
    const events =
      entry('090000', 'NEW', 'SYN_SENT', 51396) +
      entry('090200', 'UPDATE', 'ESTABLISHED', 51396) +
      entry('095000', 'NEW', 'SYN_SENT', 51398) +
      entry('095200', 'UPDATE', 'ESTABLISHED', 51398) +
      entry('100000', 'NEW', 'SYN_SENT', 51400) +
      entry('100300', 'UPDATE', 'ESTABLISHED', 51400) +
      entry('900000', 'UPDATE', 'FIN_WAIT', 51396);
    const input = await syntheticBundle([
      { path: 'events.txt', content: events },
      { path: 'nstat-before.txt', content: nstat(0) },
      { path: 'nstat-after.txt', content: nstat(12) },
      {
        path: 'ss.txt',
        content: ss(
          4,
          3,
          'SYN-RECV 0      0        10.30.0.4:8080  10.30.1.7:51400 timer:(on,1.520ms,1)\n',
        ),
      },
      {
        path: 'dmesg.txt',
        content:
          '[ 1255.863820] TCP: request_sock_TCP: Possible SYN flooding on port 0.0.0.0:8080. Sending cookies.\n',
      },
    ]);
    const c = best(input)!;
    expect(c.flow).toEqual({ client: '10.30.1.7:51398', server: SERVER });
    expect(c.weighing.confidence).toBeGreaterThan(0.9);
    const notes = c.weighing.evidence.map((e) => e.note).join('\n');
    expect(notes).toMatch(/10\.30\.1\.7:51400 complete the handshake .* dropped the final ACK/);
    expect(notes).toMatch(/first connection left hanging/);
  });
});
