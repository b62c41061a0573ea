import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'ephemeral-port-collision-challenge-ack',
  title: 'New connection collides with a leaked socket and gets a challenge ACK',
  summary:
    "An outbound connect picks a source port still held by a leaked FIN-WAIT-2 socket of the proxy; the SYN reaches that socket, which answers with a challenge ACK; the application's RST in reply is judged INVALID by conntrack on kernels before 6.2, so the stale socket survives and the SYN is retried until the connect times out.",
  symptoms: [
    'connect() times out to a healthy service while most connections succeed',
    'SYN retransmissions at 1, 3, 7, 15 s on one source port',
  ],
  seeds: ['000'],
};
