import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'conntrack-expiry-rebalance',
  title: 'Idle connection re-balanced after its conntrack entry expired',
  summary:
    'A long-lived flow stays idle longer than nf_conntrack_tcp_timeout_established (or its entry is flushed); the next segment finds no entry, is DNATed afresh to a different backend, and that backend, which never saw the connection, answers with a RST.',
  symptoms: [
    'Long-lived connections (database pools, gRPC streams) die after a quiet period with "connection reset by peer"',
    'Resets cluster after idle gaps, not under load',
  ],
  seeds: ['003'],
};
