/** An IP address (IPv4 dotted, IPv6 compressed lower-case as `inet_ntop` prints it) and port. */
export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

/** `10.0.0.1:80`, `[fd00::1]:443`: the form used in findings, flows and the CLI's JSON. */
export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.ip.includes(':')
    ? `[${endpoint.ip}]:${endpoint.port}`
    : `${endpoint.ip}:${endpoint.port}`;
}
