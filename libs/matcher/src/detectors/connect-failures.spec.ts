import { describe, expect, it } from 'vitest';
import { MatchContext } from '../context/match-context.js';
import { TcpConversation, pcap, syntheticBundle, timeline } from '../testing/synthetic-bundle.js';
import { synRetrySchedule, synScheduleText, troubledConnects } from './connect-failures.js';

describe('troubled connects', () => {
  it('finds SYNs never answered, SYNs answered late and SYN-ACKs repeated, and leaves clean handshakes out', async () => {
    const clean = new TcpConversation('10.9.0.2:41000', '10.9.0.3:80').healthy(0);
    const lost = new TcpConversation('10.9.0.2:41002', '10.9.0.3:80').syn(0.1).syn(1.1).syn(3.1);
    const late = new TcpConversation('10.9.0.2:41004', '10.9.0.3:80')
      .syn(0.2)
      .syn(1.2)
      .synAck(1.201)
      .ack(1.202);
    const ignored = new TcpConversation('10.9.0.2:41006', '10.9.0.3:80')
      .syn(0.3)
      .synAck(0.301)
      .ack(0.302);
    ignored.synAck(1.301);
    const input = await syntheticBundle([
      {
        path: 'c.pcap',
        content: pcap(timeline(clean.packets, lost.packets, late.packets, ignored.packets)),
      },
    ]);
    const attempts = troubledConnects(new MatchContext(input));
    const byPort = new Map(attempts.map((a) => [a.flow.client.port, a]));
    expect([...byPort.keys()].sort()).toEqual([41002, 41004, 41006]);
    expect(byPort.get(41002)).toMatchObject({ completed: false });
    expect(byPort.get(41002)!.unanswered).toBeDefined();
    expect(byPort.get(41004)).toMatchObject({ completed: true });
    expect(byPort.get(41004)!.synRetries).toHaveLength(1);
    expect(byPort.get(41006)!.synAckRetries).toHaveLength(1);
  });

  it('knows the kernel retry schedule and says when the application gave up first', async () => {
    const input = await syntheticBundle([
      {
        path: 's',
        content: 'net.ipv4.tcp_syn_retries = 3\nnet.ipv4.tcp_syn_linear_timeouts = 0\n',
      },
      {
        path: 'c.pcap',
        content: pcap(new TcpConversation('10.9.0.2:41002', '10.9.0.3:80').syn(0).syn(1).packets),
      },
    ]);
    const context = new MatchContext(input);
    expect(synRetrySchedule(context.settings)).toEqual({ gaps: [1, 2, 4], giveUpSec: 15 });
    const [attempt] = troubledConnects(context);
    expect(synScheduleText(attempt!, context.settings)).toMatch(/application gave up first/);
  });
});
