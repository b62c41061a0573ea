import { describe, expect, it } from 'vitest';
import {
  CHALLENGE_ACK_UNLIMITED,
  DEFAULT_ENDPOINT_SETTINGS,
  defaultEndpointSettings,
  endpointSettingsFromSysctls,
} from './endpoint-settings.js';

describe('endpointSettingsFromSysctls', () => {
  it('keeps the Linux defaults when nothing is set', () => {
    const settings = endpointSettingsFromSysctls({});
    expect(settings).toEqual(DEFAULT_ENDPOINT_SETTINGS);
    expect(settings.finTimeoutSec).toBe(60);
    expect(settings.timeWaitSec).toBe(60);
    expect(settings.keepalive).toEqual({ timeSec: 7200, intervalSec: 75, probes: 9 });
  });

  it('reads every sysctl that changes an answer', () => {
    const settings = endpointSettingsFromSysctls({
      'net.ipv4.tcp_fin_timeout': '30',
      'net.ipv4.tcp_challenge_ack_limit': '1000',
      'net.ipv4.tcp_rfc1337': '1',
      'net.ipv4.tcp_keepalive_time': '600',
      'net.ipv4.tcp_keepalive_intvl': '10',
      'net.ipv4.tcp_keepalive_probes': '3',
      'net.ipv4.tcp_tw_reuse': '1',
      'net.ipv4.tcp_invalid_ratelimit': '0',
      'net.ipv4.tcp_abort_on_overflow': '1',
    });
    expect(settings).toMatchObject({
      finTimeoutSec: 30,
      challengeAckLimit: 1000,
      rfc1337: true,
      keepalive: { timeSec: 600, intervalSec: 10, probes: 3 },
      tcpTwReuse: 1,
      invalidRateLimitMs: 0,
      abortOnOverflow: true,
    });
  });

  it('ignores values that are not integers and keeps the base', () => {
    const base = defaultEndpointSettings('5.4.0-100-generic');
    const settings = endpointSettingsFromSysctls({ 'net.ipv4.tcp_fin_timeout': 'soon' }, base);
    expect(settings.finTimeoutSec).toBe(60);
    expect(settings.challengeAckLimit).toBe(1000);
  });

  it('accepts the /proc/sys spelling', () => {
    expect(endpointSettingsFromSysctls({ 'net/ipv4/tcp_fin_timeout': '5' }).finTimeoutSec).toBe(5);
  });
});

describe('defaultEndpointSettings', () => {
  it('follows the challenge ACK limit through kernel history', () => {
    expect(defaultEndpointSettings('4.4.0-210-generic').challengeAckLimit).toBe(100);
    expect(defaultEndpointSettings('4.19.0').challengeAckLimit).toBe(1000);
    expect(defaultEndpointSettings('5.10.0-28-amd64').challengeAckLimit).toBe(1000);
    expect(defaultEndpointSettings('6.1.0-18-amd64').challengeAckLimit).toBe(
      CHALLENGE_ACK_UNLIMITED,
    );
    expect(defaultEndpointSettings({ id: 'pre-5.14' }).challengeAckLimit).toBe(1000);
    expect(defaultEndpointSettings({ id: '6.2+' }).challengeAckLimit).toBe(CHALLENGE_ACK_UNLIMITED);
  });
});
