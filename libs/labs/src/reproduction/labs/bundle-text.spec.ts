import { describe, expect, it } from 'vitest';
import { conntrackEvents, listenQueue, nstatCounter, socketStates } from './bundle-text.js';

describe('bundle text readers', () => {
  it('reads an nstat counter, absent ones as 0', () => {
    const text =
      '#kernel\nTcpExtListenOverflows           21                 0.0\nTcpExtListenDrops 21 0.0\n';
    expect(nstatCounter(text, 'TcpExtListenOverflows')).toBe(21);
    expect(nstatCounter(text, 'TcpExtTCPSynRetrans')).toBe(0);
  });

  it("reads a listener's accept queue from ss", () => {
    const text =
      'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n' +
      'LISTEN 3      2         10.78.41.20:8080      0.0.0.0:*\n' +
      'ESTAB  0      0         10.78.41.20:8080      10.78.41.10:40000\n';
    expect(listenQueue(text, 8080)).toEqual({ queued: 3, limit: 2 });
    expect(listenQueue(text, 9090)).toBeUndefined();
    expect(socketStates(text)).toEqual(['LISTEN', 'ESTAB']);
  });

  it('picks conntrack events of one type, with or without timestamps', () => {
    const text =
      '[1763790286.926844]	    [NEW] tcp      6 120 SYN_SENT src=10.78.1.10 dst=10.78.2.20\n' +
      ' [UPDATE] tcp      6 60 SYN_RECV src=10.78.1.10 dst=10.78.2.20\n' +
      '[1763790290.1]	[DESTROY] tcp      6 TIME_WAIT src=10.78.1.10\n';
    expect(conntrackEvents(text, 'NEW')).toHaveLength(1);
    expect(conntrackEvents(text, 'UPDATE')).toHaveLength(1);
    expect(conntrackEvents(text, 'DESTROY')).toHaveLength(1);
  });
});
