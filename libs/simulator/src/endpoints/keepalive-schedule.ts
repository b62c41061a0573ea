import type { KeepaliveSettings } from './endpoint-settings.js';

export interface KeepaliveEvent {
  readonly atUs: number;
  /** `keepalive-probe` n (1-based), or the reset after the last unanswered probe. */
  readonly what: 'keepalive-probe' | 'keepalive-reset';
  readonly probe?: number;
}

/**
 * When the keepalive timer acts on a connection idle since `lastReceivedUs` that has
 * already sent `probesOut` unanswered probes: the first probe after `timeSec` of silence,
 * then one every `intervalSec`; once `probes` went unanswered the next firing resets the
 * connection, i.e. at time + interval * probes. Any segment from the peer starts it over.
 */
export function keepaliveSchedule(
  settings: KeepaliveSettings,
  lastReceivedUs: number,
  probesOut = 0,
): KeepaliveEvent[] {
  const first = lastReceivedUs + settings.timeSec * 1_000_000;
  const interval = settings.intervalSec * 1_000_000;
  const events: KeepaliveEvent[] = [];
  for (let n = probesOut + 1; n <= settings.probes; n++) {
    events.push({ atUs: first + (n - 1) * interval, what: 'keepalive-probe', probe: n });
  }
  const resetAt = settings.probes === 0 ? first : first + settings.probes * interval;
  events.push({ atUs: resetAt, what: 'keepalive-reset' });
  return events;
}

/** The first event of keepaliveSchedule() without building the rest (per-packet path). */
export function nextKeepaliveEvent(
  settings: KeepaliveSettings,
  lastReceivedUs: number,
  probesOut = 0,
): KeepaliveEvent {
  const first = lastReceivedUs + settings.timeSec * 1_000_000;
  const interval = settings.intervalSec * 1_000_000;
  if (probesOut < settings.probes) {
    return { atUs: first + probesOut * interval, what: 'keepalive-probe', probe: probesOut + 1 };
  }
  return { atUs: first + settings.probes * interval, what: 'keepalive-reset' };
}
