import type { IssueCollector } from '../text/issue-collector.js';
import { CAPTURE_LIMITS, type CaptureInterface, type PacketCallback } from './capture-summary.js';
import { decodeFrame } from './link-layer.decoder.js';
import { isSupportedLinkType, linkTypeName } from './link-type.js';
import { PacketDirection, PacketView } from './packet-view.js';

/**
 * What the format readers share: the reused view, the packet counter and the running
 * summary. `deliver` is the per-packet hot path: decode, hand over, count.
 */
export class CaptureContext {
  readonly view = new PacketView();
  packets = 0;
  /** Packet numbers handed out (a skipped over-long record still takes a number). */
  numbered = 0;
  /** Doubles from the start (see PacketView); `packets` says whether they are set. */
  firstUs = -0;
  lastUs = -0;
  capturedBytes = -0;
  readonly interfaces: CaptureInterface[] = [];
  readonly linkTypes: string[] = [];
  readonly names: { ip: string; names: string[] }[] = [];
  byteOrder: 'little-endian' | 'big-endian' | undefined;
  /** Names of the current section's interfaces by id (pcapng if_name). */
  interfaceNames: (string | undefined)[] = [];
  /** Set while the caller's callback runs, so its exceptions are told apart from ours. */
  inCallback = false;
  private readonly warnedLinkTypes = new Set<number>();

  constructor(
    readonly artifact: string,
    readonly issues: IssueCollector,
    private readonly onPacket: PacketCallback,
    readonly maxPackets: number,
  ) {}

  /**
   * The view's framing fields are set; decode and hand it over. `direction` is a pcapng
   * epb_flags direction (1 in, 2 out, 0 unknown), which wins over the link layer's. False
   * once maxPackets is reached.
   */
  deliver(direction: number): boolean {
    const view = this.view;
    this.numbered += 1;
    view.number = this.numbered;
    decodeFrame(view);
    if (direction === 1) view.direction = PacketDirection.In;
    else if (direction === 2) view.direction = PacketDirection.Out;
    this.packets += 1;
    this.capturedBytes += view.capturedLength;
    if (this.packets === 1) this.firstUs = view.timeUs;
    this.lastUs = view.timeUs;
    this.inCallback = true;
    this.onPacket(view);
    this.inCallback = false;
    return this.packets < this.maxPackets;
  }

  addInterface(info: CaptureInterface): void {
    if (this.interfaces.length < CAPTURE_LIMITS.maxInterfaces) this.interfaces.push(info);
    if (!this.linkTypes.includes(info.linkTypeName)) this.linkTypes.push(info.linkTypeName);
    if (!isSupportedLinkType(info.linkType) && !this.warnedLinkTypes.has(info.linkType)) {
      this.warnedLinkTypes.add(info.linkType);
      this.issues.atPacket(
        this.numbered + 1,
        'UNSUPPORTED_LINK_TYPE',
        `link type ${linkTypeName(info.linkType)} is not decoded: its packets are counted but not analysed`,
      );
    }
  }
}
