import { formatEndpoint, type Endpoint, type Locator } from '@netmortem/domain';
import { isoMicros } from '@netmortem/simulator';
import type { EvidencePointer } from '../report/analysis-report.js';

/** An evidence pointer for a located item: `packet N` or `line N`. */
export function pointerAt(locator: Locator, note: string): EvidencePointer {
  const where =
    locator.packet !== undefined
      ? `packet ${locator.packet}`
      : locator.line !== undefined
        ? `line ${locator.line}`
        : '';
  return { artifact: locator.artifact, locator: where, note };
}

export function packetPointer(capture: string, packet: number, note: string): EvidencePointer {
  return { artifact: capture, locator: `packet ${packet}`, note };
}

export function timeText(timeUs: number | undefined): string | undefined {
  return timeUs === undefined ? undefined : isoMicros(timeUs);
}

export function endpointText(endpoint: Endpoint): string {
  return formatEndpoint(endpoint);
}

/** Seconds with the precision a person wants: 3.2 s, 61 s, 2 h 5 min. */
export function durationText(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  const h = Math.floor(seconds / 3600);
  return `${h} h ${Math.round((seconds - h * 3600) / 60)} min`;
}
