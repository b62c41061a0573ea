export { readCapture, capturePackets, bytesSource } from './capture.reader.js';
export { CaptureDecoder } from './capture.decoder.js';
export {
  CAPTURE_LIMITS,
  type CaptureFormat,
  type CaptureInterface,
  type CaptureInterfaceStatistics,
  type CaptureSummary,
  type PacketCallback,
  type ReadCaptureOptions,
} from './capture-summary.js';
export { PacketView, PacketDirection, DecodeNote } from './packet-view.js';
export { toPacket } from './to-packet.js';
export { readTcpOptions } from './tcp.decoder.js';
export { LinkType, linkTypeName } from './link-type.js';
export { formatAddress, formatIpv4, formatIpv6Words } from './ip-address.js';
export { icmpName, isIcmpError } from './icmp-names.js';
export {
  collectCapturePackets,
  DEFAULT_MAX_CAPTURE_PACKETS,
  type CapturePacketCount,
  type CapturePacketOptions,
  type CaptureSource,
  type CollectedCapturePackets,
} from './capture-packet-collector.js';
