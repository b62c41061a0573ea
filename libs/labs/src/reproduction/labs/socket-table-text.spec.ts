import { describe, expect, it } from 'vitest';
import { findSocket, parseSocketTable } from './socket-table-text.js';

const SS = [
  'State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
  'LISTEN     0      511          0.0.0.0:15001      0.0.0.0:*     uid:1337 ino:33094 sk:100f <->',
  '\t bbr cwnd:10',
  'FIN-WAIT-2 0      0          127.0.0.1:15001   10.78.21.2:44794 uid:1337 ino:33099 sk:1010 <--',
  '\t ts sack bbr wscale:10,10 rto:208',
].join('\n');

describe('ss -tanoie socket lines', () => {
  it('lists sockets with state, queues and addresses, skipping the header and detail lines', () => {
    const sockets = parseSocketTable(SS);
    expect(sockets.map((s) => s.state)).toEqual(['LISTEN', 'FIN-WAIT-2']);
    expect(sockets[0]).toMatchObject({
      recvQ: 0,
      sendQ: 511,
      local: '0.0.0.0:15001',
      peer: '0.0.0.0:*',
    });
  });

  it('finds one socket by state and addresses', () => {
    const sockets = parseSocketTable(SS);
    expect(findSocket(sockets, { state: 'FIN-WAIT-2', peer: '10.78.21.2:44794' })?.local).toBe(
      '127.0.0.1:15001',
    );
    expect(findSocket(sockets, { state: 'ESTAB' })).toBeUndefined();
  });
});
