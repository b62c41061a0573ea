import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'ct-invalid-not-natted-rst',
  title: 'Out-of-window packet marked INVALID skips NAT and draws a RST',
  summary:
    "With nf_conntrack_tcp_be_liberal=0, conntrack judges a segment outside the tracked window INVALID; INVALID packets bypass the nat table, so a REDIRECT/DNAT is not applied, the segment reaches the real destination port (often the application's own listener), and that socket answers a bare RST that kills the client's connection.",
  symptoms: [
    'Sporadic resets through a sidecar or gateway under load or packet loss',
    'Envoy reports upstream or downstream resets that no application logged',
  ],
  seeds: ['001'],
};
