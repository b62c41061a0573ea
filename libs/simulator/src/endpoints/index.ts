// Public surface of the endpoint model; helpers (sequence arithmetic, processors) stay internal.
export type { EndpointKernelProfile, EndpointKernelProfileId } from './endpoint-kernel.js';
export {
  CHALLENGE_ACK_UNLIMITED,
  DEFAULT_ENDPOINT_SETTINGS,
  defaultEndpointSettings,
  endpointSettingsFromSysctls,
  type EndpointSettings,
  type KeepaliveSettings,
} from './endpoint-settings.js';
export type { SocketEndpoint } from './endpoint-address.js';
export { segmentFromPacket, type EndpointSegment } from './tcp-segment.js';
export type { RateLimit, SegmentResponse, SegmentResponseKind } from './segment-response.js';
export type { TcpSocketState } from './tcp-socket.js';
export { keepaliveSchedule, type KeepaliveEvent } from './keepalive-schedule.js';
export {
  EndpointHost,
  type DeliveredTo,
  type Delivery,
  type EndpointHostOptions,
  type PendingTimer,
  type SocketView,
  type TimerEvent,
} from './endpoint-host.js';
