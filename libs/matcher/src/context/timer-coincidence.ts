import type { EvidencePointer } from '../report/analysis-report.js';
import type { HostSettings } from './host-settings.js';

/** A configured timeout an observed interval lines up with. */
export interface TimerMatch {
  readonly key: string;
  readonly seconds: number;
  /** Whether the value came from the bundle or is the kernel default. */
  readonly observed: boolean;
  readonly pointer?: EvidencePointer;
  /** How the interval relates: about equal, or longer than the timeout. */
  readonly relation: 'equals' | 'exceeds';
}

/**
 * Well-known timeouts outside sysctl, for intervals no bundle setting explains: Envoy's
 * default idle timeout (1 h), common HTTP server keep-alive idles.
 */
export const WELL_KNOWN_IDLE_TIMEOUTS: readonly {
  readonly name: string;
  readonly seconds: number;
}[] = [
  { name: 'Envoy idle_timeout (default)', seconds: 3600 },
  { name: 'Node.js http keepAliveTimeout (default)', seconds: 5 },
  { name: 'nginx keepalive_timeout (default)', seconds: 75 },
  { name: 'Apache KeepAliveTimeout (default)', seconds: 5 },
];

/**
 * Does an observed interval equal (within tolerance) or exceed one of the given timeout
 * sysctls? Tolerance: 10 % or 1.5 s, whichever is larger: timers fire on the kernel's GC and
 * jiffies, and captures timestamp packets, not timer expiries.
 */
export function coincidingTimer(
  intervalSec: number,
  keys: readonly string[],
  settings: HostSettings,
  allowExceeds = false,
): TimerMatch | undefined {
  let exceeded: TimerMatch | undefined;
  for (const key of keys) {
    const setting = settings.get(key);
    const seconds = settings.number(key);
    if (setting === undefined || seconds === undefined || seconds <= 0) continue;
    const tolerance = Math.max(1.5, seconds * 0.1);
    const base = {
      key,
      seconds,
      observed: setting.observed,
      ...(setting.pointer ? { pointer: setting.pointer } : {}),
    };
    if (Math.abs(intervalSec - seconds) <= tolerance) return { ...base, relation: 'equals' };
    if (allowExceeds && intervalSec > seconds && exceeded === undefined)
      exceeded = { ...base, relation: 'exceeds' };
  }
  return exceeded;
}

export function describeTimer(match: TimerMatch, intervalSec: number): string {
  const source = match.observed ? 'configured' : 'kernel default';
  const verb = match.relation === 'equals' ? 'matches' : 'exceeds';
  return `${intervalSec.toFixed(1)} s ${verb} ${match.key.replace(/^net\.(netfilter|ipv4)\./, '')} = ${match.seconds} s (${source})`;
}
