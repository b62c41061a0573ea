import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'stateful-fw-halfclose-drop',
  title: 'Stateful firewall drops a half-closed flow',
  summary:
    'A rule that accepts only ctstate ESTABLISHED,RELATED and rejects the rest stops matching a half-closed connection once its conntrack entry moves to a closing state and times out; further data is rejected with ICMP port unreachable from the node, and the transfer stalls.',
  symptoms: [
    'Transfers that half-close (shutdown(SHUT_WR)) stall or fail after tens of seconds',
    'ICMP port unreachable from a node that is not the server',
  ],
  seeds: ['002'],
};
