import type { RootCauseEntry } from '../root-cause-entry.js';

export const entry: RootCauseEntry = {
  id: 'keepalive-idle-race',
  title: 'Keep-alive reuse races the server idle timeout',
  summary:
    'The server closes an idle keep-alive connection at its idle timeout just as the client sends the next request on it; the request meets a FIN or RST and fails with EOF or connection reset.',
  symptoms: [
    'Occasional 502/503 or "connection reset" on the first request after a pause',
    'Failures line up with the upstream idle timeout',
  ],
  seeds: ['004'],
};
