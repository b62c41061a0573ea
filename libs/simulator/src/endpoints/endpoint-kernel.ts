/**
 * The kernel profile as the endpoint model needs it. Structurally the same as the
 * conntrack helper's KernelProfile (`id` is all that is read here), so either can be passed.
 */
export type EndpointKernelProfileId = 'pre-5.14' | '5.14-6.1' | '6.2+';

export interface EndpointKernelProfile {
  readonly id: EndpointKernelProfileId;
  /** major.minor the profile stands for, when the profile carries it. */
  readonly version?: readonly [number, number];
}

/** Major/minor of a release string such as `5.15.0-91-generic`; undefined when unreadable. */
export function kernelVersionOf(release: string): { major: number; minor: number } | undefined {
  const match = /^(\d+)\.(\d+)/.exec(release.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** a >= b for major.minor pairs. */
export function versionAtLeast(
  version: { major: number; minor: number },
  major: number,
  minor: number,
): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}
