import type { KernelInfo } from '@netmortem/domain';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { kernelVersion } from './kernel-release.js';

/** uname's machine names; the processor and platform fields after it may be anything. */
const MACHINES = new Set([
  'x86_64',
  'amd64',
  'i386',
  'i486',
  'i586',
  'i686',
  'aarch64',
  'arm64',
  'armv6l',
  'armv7l',
  'armv8l',
  'ppc64',
  'ppc64le',
  's390x',
  'riscv64',
  'mips',
  'mips64',
  'loongarch64',
]);

/**
 * `uname -a`, `uname -r` and /proc/version. The kernel version field of `uname -a` holds
 * spaces (`#1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30)`), and GKE's processor field
 * too (`Intel(R) Xeon(R) CPU @ 2.20GHz`), so the machine is found by name, not by position.
 * The value is undefined when no line names a kernel release.
 */
export const unameParser: TextArtifactParser<KernelInfo | undefined> = {
  kinds: ['uname'],
  isEmpty: (info) => info === undefined,
  start({ artifact, issues }) {
    let info: KernelInfo | undefined;
    return {
      line(text, lineNumber) {
        const raw = text.trim();
        if (raw === '') return;
        const read = readUnameLine(raw);
        if (typeof read === 'string') {
          issues.atLine(lineNumber, 'UNPARSEABLE_LINE', read);
          return;
        }
        if (info === undefined) {
          info = { locator: { artifact, line: lineNumber }, ...read };
        } else if (info.release !== read.release) {
          issues.atLine(
            lineNumber,
            'CONFLICTING_VALUE',
            `release ${read.release} differs from ${info.release} on line ${info.locator.line ?? '?'}; the first is kept`,
          );
        }
      },
      finish: () => info,
    };
  },
};

type UnameFields = Omit<KernelInfo, 'locator'>;

function readUnameLine(raw: string): UnameFields | string {
  const words = raw.split(/\s+/);
  if (raw.startsWith('Linux version ')) {
    return withVersion(words[2], raw, {});
  }
  if (words.length === 1) return withVersion(words[0], raw, {});
  // `uname -sr`/`-srm` leave the host name out: the release then comes second.
  const noHostname =
    kernelVersion(words[1]!) !== undefined && kernelVersion(words[2] ?? '') === undefined;
  const hostname = noHostname ? undefined : words[1];
  const release = noHostname ? words[1] : words[2];
  const machine = words.slice(noHostname ? 2 : 3).find((word) => MACHINES.has(word));
  return withVersion(release, raw, {
    ...(hostname === undefined ? {} : { hostname }),
    ...(machine === undefined ? {} : { machine }),
  });
}

function withVersion(
  release: string | undefined,
  raw: string,
  rest: { hostname?: string; machine?: string },
): UnameFields | string {
  const version = release === undefined ? undefined : kernelVersion(release);
  if (release === undefined || !version) {
    return `no kernel release in "${raw.length > 80 ? `${raw.slice(0, 80)}…` : raw}"`;
  }
  return { release, version, ...rest, raw };
}
