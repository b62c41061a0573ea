/**
 * The one-liner that runs the collector on a node (served by the API at /collect.sh). It
 * needs root for conntrack and tcpdump; it writes a tar.gz and prints its path.
 */
export function collectorCommand(origin: string, durationSeconds = 30): string {
  return `curl -fsS ${origin.replace(/\/+$/, '')}/collect.sh | sudo sh -s -- --duration ${durationSeconds}`;
}
