import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'sidecar-halfclose-leak',
  title: 'Sidecar half-close leaks proxy sockets in FIN-WAIT-2',
  summary:
    'The sidecar forwards a client FIN to the application; the application closes later than nf_conntrack_tcp_timeout_close_wait, by which time the entry is gone and its FIN is no longer translated back, so the proxy never sees it and its socket stays in FIN-WAIT-2 until the proxy idle timeout (one hour by default).',
  symptoms: [
    'FIN-WAIT-2 sockets pile up on the sidecar port',
    'Later connections fail in ways that look unrelated (see ephemeral-port-collision-challenge-ack)',
  ],
  seeds: ['000'],
};
