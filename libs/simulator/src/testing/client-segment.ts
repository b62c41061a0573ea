import type { EndpointSegment } from '../endpoints/tcp-segment.js';

/** A TCP segment from 10.0.0.1:40000 to 10.0.0.2:80: the peer the endpoint specs talk to. */
export function clientSegment(
  tcpFlags: number,
  seq: number,
  ack: number,
  extra: Partial<EndpointSegment> & { readonly window: number },
): EndpointSegment {
  return {
    family: 4,
    protocol: 6,
    src: '10.0.0.1',
    dst: '10.0.0.2',
    srcPort: 40000,
    dstPort: 80,
    tcpFlags,
    seq,
    ack,
    payloadLength: 0,
    ...extra,
  };
}
