/**
 * Where a piece of evidence, or an error, sits inside a bundle: the artifact's path and,
 * when known, the 1-based line or packet number and the byte offset.
 */
export interface Locator {
  readonly artifact: string;
  readonly line?: number;
  readonly packet?: number;
  readonly byteOffset?: number;
}

/** `capture.pcap#packet 812`, `ss.txt:14`, `bundle.tgz@1024`: short, greppable, stable. */
export function formatLocator(locator: Locator): string {
  if (locator.packet !== undefined) return `${locator.artifact}#packet ${locator.packet}`;
  if (locator.line !== undefined) return `${locator.artifact}:${locator.line}`;
  if (locator.byteOffset !== undefined) return `${locator.artifact}@${locator.byteOffset}`;
  return locator.artifact;
}
