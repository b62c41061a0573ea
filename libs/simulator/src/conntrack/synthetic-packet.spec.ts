import { TcpFlag } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { SyntheticTcpFlow, syntheticTcpPacket, tcpFlagsFromLetters } from './synthetic-packet.js';

describe('synthetic TCP packets', () => {
  it('reads tcpdump flag letters', () => {
    expect(tcpFlagsFromLetters('S.')).toBe(TcpFlag.SYN | TcpFlag.ACK);
    expect(tcpFlagsFromLetters('FP.')).toBe(TcpFlag.FIN | TcpFlag.PSH | TcpFlag.ACK);
    expect(() => tcpFlagsFromLetters('X')).toThrow(/unknown TCP flag/);
  });

  it('sizes the header from the options and numbers flow segments in order', () => {
    const syn = syntheticTcpPacket({
      src: '10.0.0.1',
      dst: '10.0.0.2',
      srcPort: 1,
      dstPort: 2,
      flags: 'S',
      seq: 2 ** 32 + 5,
      options: { mss: 1460, windowScale: 7, sackPermitted: true, timestamp: { value: 1, echo: 0 } },
    });
    expect(syn.tcp).toMatchObject({ seq: 5, headerLength: 44 });
    const flow = new SyntheticTcpFlow(
      { address: 'fd00::1', port: 1 },
      { address: 'fd00::2', port: 2 },
    );
    const first = flow.fromClient('S', 1);
    const second = flow.fromServer('S.', 9, 2, { payload: 10 });
    expect([first.locator.packet, second.locator.packet]).toEqual([1, 2]);
    expect([second.src, second.srcPort, second.ipVersion, second.payloadLength]).toEqual([
      'fd00::2',
      2,
      6,
      10,
    ]);
  });
});
