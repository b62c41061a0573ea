/** Where in an artifact a piece of evidence points. */
export type EvidenceTarget =
  | { readonly kind: 'packet'; readonly packet: number }
  | { readonly kind: 'line'; readonly line: number }
  | { readonly kind: 'whole' };

const PACKET = /^packet\s+(\d+)/i;
const LINE = /^line\s+(\d+)/i;
const CAPTURE_PATH = /\.(pcap|pcapng|cap)(\.gz)?$/i;

/** Reads the matcher's locators: `packet 812`, `line 14`, or empty for the whole artifact. */
export function evidenceTarget(locator: string, artifact: string): EvidenceTarget {
  const packet = PACKET.exec(locator.trim());
  if (packet) return { kind: 'packet', packet: Number(packet[1]) };
  const line = LINE.exec(locator.trim());
  if (line) return { kind: 'line', line: Number(line[1]) };
  if (CAPTURE_PATH.test(artifact)) return { kind: 'packet', packet: 1 };
  return { kind: 'whole' };
}

/** The text a person reads on the evidence link: the artifact path first, then the place. */
export function evidenceLabel(artifact: string, locator: string): string {
  return locator ? `${artifact} · ${locator}` : artifact;
}
