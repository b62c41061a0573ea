import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'tls-close-notify-unread-rst',
  title: 'Close with unread data turns FIN into RST',
  summary:
    'A peer closes its socket while bytes it never read (for example a TLS close_notify alert) sit in its receive buffer; the kernel then sends a RST instead of a FIN, which breaks relays such as kubectl port-forward (client-go 0.24 and later report "lost connection to pod").',
  symptoms: [
    'kubectl port-forward exits with "lost connection to pod" when a client disconnects',
    'Clients see resets exactly when the other side closes',
  ],
  seeds: ['004'],
};
