import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'snat-port-collision',
  title: 'SNAT source-port collision on conntrack insert',
  summary:
    'Two connections translated at the same time pick the same SNAT source port; the second conntrack insert fails (insert_failed grows), its packet is dropped, and the client waits for a retransmission (the classic 5 s DNS delay).',
  symptoms: [
    'Intermittent 1 s or 5 s delays, most visible on DNS over UDP',
    'conntrack -S insert_failed increasing',
  ],
  seeds: [],
};
