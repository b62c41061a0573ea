import type { Endpoint } from '@netmortem/domain';
import { formatAddress } from '../capture/ip-address.js';
import type { PacketView } from '../capture/packet-view.js';

/** Endpoints as the table keys them: four address words and a port each. */
export class FlowEndpoints {
  version = 4;
  c0 = -0;
  c1 = -0;
  c2 = -0;
  c3 = -0;
  clientPort = 0;
  s0 = -0;
  s1 = -0;
  s2 = -0;
  s3 = -0;
  serverPort = 0;

  /** Takes the packet's addresses; its source is the client when `clientIsSource`. */
  setFrom(view: PacketView, clientIsSource: boolean): void {
    this.version = view.ipVersion;
    if (clientIsSource) {
      this.c0 = view.src0;
      this.c1 = view.src1;
      this.c2 = view.src2;
      this.c3 = view.src3;
      this.clientPort = view.srcPort;
      this.s0 = view.dst0;
      this.s1 = view.dst1;
      this.s2 = view.dst2;
      this.s3 = view.dst3;
      this.serverPort = view.dstPort;
    } else {
      this.c0 = view.dst0;
      this.c1 = view.dst1;
      this.c2 = view.dst2;
      this.c3 = view.dst3;
      this.clientPort = view.dstPort;
      this.s0 = view.src0;
      this.s1 = view.src1;
      this.s2 = view.src2;
      this.s3 = view.src3;
      this.serverPort = view.srcPort;
    }
  }

  /** 1 when the packet goes client to server, 2 the other way, 0 when not this flow. */
  match(view: PacketView): number {
    if (view.ipVersion !== this.version) return 0;
    if (
      view.srcPort === this.clientPort &&
      view.dstPort === this.serverPort &&
      view.src0 === this.c0 &&
      view.dst0 === this.s0 &&
      view.src1 === this.c1 &&
      view.src2 === this.c2 &&
      view.src3 === this.c3 &&
      view.dst1 === this.s1 &&
      view.dst2 === this.s2 &&
      view.dst3 === this.s3
    )
      return 1;
    if (
      view.srcPort === this.serverPort &&
      view.dstPort === this.clientPort &&
      view.src0 === this.s0 &&
      view.dst0 === this.c0 &&
      view.src1 === this.s1 &&
      view.src2 === this.s2 &&
      view.src3 === this.s3 &&
      view.dst1 === this.c1 &&
      view.dst2 === this.c2 &&
      view.dst3 === this.c3
    )
      return 2;
    return 0;
  }

  client(): Endpoint {
    return {
      ip: formatAddress(this.version, this.c0, this.c1, this.c2, this.c3),
      port: this.clientPort,
    };
  }

  server(): Endpoint {
    return {
      ip: formatAddress(this.version, this.s0, this.s1, this.s2, this.s3),
      port: this.serverPort,
    };
  }
}
