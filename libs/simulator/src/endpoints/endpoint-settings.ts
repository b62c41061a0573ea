import type { EndpointKernelProfile } from './endpoint-kernel.js';
import { kernelVersionOf, versionAtLeast } from './endpoint-kernel.js';

/** `net.ipv4.tcp_challenge_ack_limit` at INT_MAX switches the host/netns-wide limit off. */
export const CHALLENGE_ACK_UNLIMITED = 2_147_483_647;

export interface KeepaliveSettings {
  /** Idle seconds before the first probe (tcp_keepalive_time / TCP_KEEPIDLE). */
  readonly timeSec: number;
  /** Seconds between unanswered probes (tcp_keepalive_intvl / TCP_KEEPINTVL). */
  readonly intervalSec: number;
  /** Unanswered probes before the connection is reset (tcp_keepalive_probes / TCP_KEEPCNT). */
  readonly probes: number;
}

export interface EndpointSettings {
  /** How long an orphaned FIN-WAIT-2 socket lives (tcp_fin_timeout). */
  readonly finTimeoutSec: number;
  /** TIME-WAIT length: TCP_TIMEWAIT_LEN, compiled into Linux as 60 s. */
  readonly timeWaitSec: number;
  /** RFC 5961 challenge ACKs allowed per second (per host before 6.0, per netns since). */
  readonly challengeAckLimit: number;
  /** tcp_rfc1337: when set, a RST does not kill a TIME-WAIT socket. */
  readonly rfc1337: boolean;
  readonly keepalive: KeepaliveSettings;
  /** tcp_tw_reuse: 0 off, 1 on, 2 loopback only. Only outbound connect() reads it. */
  readonly tcpTwReuse: number;
  /** tcp_invalid_ratelimit: minimum gap between out-of-window/challenge ACKs of one socket. */
  readonly invalidRateLimitMs: number;
  /** tcp_synack_retries: SYN-ACK retransmissions before a half-open request is dropped. */
  readonly synAckRetries: number;
  /** tcp_abort_on_overflow: a full accept queue answers the handshake's ACK with RST. */
  readonly abortOnOverflow: boolean;
}

const BASE: Omit<EndpointSettings, 'challengeAckLimit'> = {
  finTimeoutSec: 60,
  timeWaitSec: 60,
  rfc1337: false,
  keepalive: { timeSec: 7200, intervalSec: 75, probes: 9 },
  tcpTwReuse: 2,
  invalidRateLimitMs: 500,
  synAckRetries: 5,
  abortOnOverflow: false,
};

/**
 * Defaults of the kernel in question. The one that moves is tcp_challenge_ack_limit: 100
 * (fixed count per second) until 4.6; 1000 with a randomised count from 4.7 (CVE-2016-5696);
 * per-netns and INT_MAX (off) since 6.0 (commit 79e3602caa6f, also taken by the stable
 * series). A profile id cannot tell 5.14-5.19 from 6.0-6.1: '5.14-6.1' assumes the stable
 * backport and reads "off"; pass the release string when it is known.
 */
export function defaultEndpointSettings(kernel?: EndpointKernelProfile | string): EndpointSettings {
  return { ...BASE, challengeAckLimit: defaultChallengeAckLimit(kernel) };
}

function defaultChallengeAckLimit(kernel: EndpointKernelProfile | string | undefined): number {
  if (kernel === undefined) return CHALLENGE_ACK_UNLIMITED;
  if (typeof kernel !== 'string' && kernel.version === undefined) {
    return kernel.id === 'pre-5.14' ? 1000 : CHALLENGE_ACK_UNLIMITED;
  }
  const version =
    typeof kernel === 'string'
      ? kernelVersionOf(kernel)
      : { major: kernel.version![0], minor: kernel.version![1] };
  if (!version) return CHALLENGE_ACK_UNLIMITED;
  if (versionAtLeast(version, 6, 0)) return CHALLENGE_ACK_UNLIMITED;
  return versionAtLeast(version, 4, 7) ? 1000 : 100;
}

export const DEFAULT_ENDPOINT_SETTINGS: EndpointSettings = defaultEndpointSettings();

/**
 * Reads the sysctls that change what a socket answers. Keys are the `sysctl -a` names
 * (`net.ipv4.tcp_fin_timeout`), slash spellings are accepted too; values that are not
 * integers leave the base value in place.
 */
export function endpointSettingsFromSysctls(
  values: Readonly<Record<string, string>>,
  base: EndpointSettings = DEFAULT_ENDPOINT_SETTINGS,
): EndpointSettings {
  const read = (name: string): number | undefined => {
    const raw = values[`net.ipv4.${name}`] ?? values[`net/ipv4/${name}`];
    if (raw === undefined) return undefined;
    const text = raw.trim();
    return /^-?\d+$/.test(text) ? Number(text) : undefined;
  };
  const keepalive = base.keepalive;
  return {
    finTimeoutSec: read('tcp_fin_timeout') ?? base.finTimeoutSec,
    timeWaitSec: base.timeWaitSec,
    challengeAckLimit: read('tcp_challenge_ack_limit') ?? base.challengeAckLimit,
    rfc1337: flag(read('tcp_rfc1337')) ?? base.rfc1337,
    keepalive: {
      timeSec: read('tcp_keepalive_time') ?? keepalive.timeSec,
      intervalSec: read('tcp_keepalive_intvl') ?? keepalive.intervalSec,
      probes: read('tcp_keepalive_probes') ?? keepalive.probes,
    },
    tcpTwReuse: read('tcp_tw_reuse') ?? base.tcpTwReuse,
    invalidRateLimitMs: read('tcp_invalid_ratelimit') ?? base.invalidRateLimitMs,
    synAckRetries: read('tcp_synack_retries') ?? base.synAckRetries,
    abortOnOverflow: flag(read('tcp_abort_on_overflow')) ?? base.abortOnOverflow,
  };
}

function flag(value: number | undefined): boolean | undefined {
  return value === undefined ? undefined : value !== 0;
}
