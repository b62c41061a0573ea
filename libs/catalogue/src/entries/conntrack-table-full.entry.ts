import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'conntrack-table-full',
  title: 'Conntrack table full',
  summary:
    'The number of tracked connections reaches nf_conntrack_max; the kernel logs "nf_conntrack: table full, dropping packet" and drops new flows, which clients see as SYN retransmissions and connect timeouts.',
  symptoms: [
    'New connections time out on one node while established ones keep working',
    'dmesg shows nf_conntrack: table full, dropping packet',
  ],
  seeds: [],
};
