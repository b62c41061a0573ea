/**
 * iptables rules in the shape istio-init writes into a pod's namespace (chain names and the
 * uid exemption as Istio has them), trimmed to what the sidecar labs need. Returned in
 * `iptables-save` format for LabTopology.iptablesRestore.
 */

export interface OutboundCapture {
  /** The proxy's outbound listener (Istio: 15001). */
  readonly proxyPort: number;
  /** The proxy's uid; its own connections are not captured (Istio: 1337). */
  readonly proxyUid: number;
  /** Append `-m conntrack --ctstate INVALID -j DROP` to the filter table's OUTPUT chain. */
  readonly dropInvalid?: boolean;
}

export interface InboundCapture {
  /** The proxy's inbound listener (Istio: 15006). */
  readonly proxyPort: number;
  /** Only these destination ports are captured; without them, every TCP port not exempt. */
  readonly appPorts?: readonly number[];
  /** Ports the proxy serves itself and never captures (Istio: 15008 HBONE, 15020 metrics). */
  readonly exemptPorts?: readonly number[];
}

/** Every outbound TCP connection of the app to a non-loopback address goes to the proxy. */
export function outboundCaptureRules(options: OutboundCapture): string {
  const lines = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':ISTIO_OUTPUT - [0:0]',
    ':ISTIO_REDIRECT - [0:0]',
    '-A OUTPUT -p tcp -j ISTIO_OUTPUT',
    `-A ISTIO_OUTPUT -m owner --uid-owner ${options.proxyUid} -j RETURN`,
    '-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN',
    '-A ISTIO_OUTPUT -j ISTIO_REDIRECT',
    `-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports ${options.proxyPort}`,
    'COMMIT',
  ];
  if (options.dropInvalid === true)
    lines.push(
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':FORWARD ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      '-A OUTPUT -p tcp -m conntrack --ctstate INVALID -j DROP',
      'COMMIT',
    );
  return lines.join('\n');
}

/** Inbound TCP to the app's ports (or to any port not exempt) goes to the proxy's inbound listener. */
export function inboundCaptureRules(options: InboundCapture): string {
  return [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':ISTIO_INBOUND - [0:0]',
    ':ISTIO_IN_REDIRECT - [0:0]',
    '-A PREROUTING -p tcp -j ISTIO_INBOUND',
    ...(options.exemptPorts ?? []).map(
      (port) => `-A ISTIO_INBOUND -p tcp --dport ${port} -j RETURN`,
    ),
    ...(options.appPorts === undefined
      ? ['-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT']
      : options.appPorts.map(
          (port) => `-A ISTIO_INBOUND -p tcp --dport ${port} -j ISTIO_IN_REDIRECT`,
        )),
    `-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports ${options.proxyPort}`,
    'COMMIT',
  ].join('\n');
}
