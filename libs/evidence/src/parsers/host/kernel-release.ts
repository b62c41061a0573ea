/**
 * [major, minor, patch] from a kernel release as distributions spell it: `6.1.0-27-amd64`,
 * `5.15.0-1057-azure`, `4.14.336-257.566.amzn2.x86_64`, `6.6.12+bpo`, `6.1.100+` (COS),
 * `6.8.0-rc1`, `5.4` — the first two or three dotted numbers, a missing patch being 0.
 */
export function kernelVersion(release: string): [number, number, number] | undefined {
  const match = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}))?(?!\d)/.exec(release);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}
