import type { KindDetection } from '../kind-detection.js';
import type { TextSample } from '../text-sample.js';

/**
 * The kernel's identity: `uname -a` (`Linux <node> <release> #<build> ... <machine> [GNU/]Linux`,
 * with extra processor/platform words on GNU coreutils, fewer on busybox), `/proc/version`
 * (`Linux version <release> (<builder>) (<compiler>) #<build> ...`) and a bare `uname -r`.
 * These are one-line files; a collector may add a line or two, but a longer file that happens
 * to start this way (dmesg starts with "Linux version") is something else.
 */

const MACHINES =
  'x86_64|aarch64|arm64|armv[5-8]\\w*|i[3-6]86|ppc64le|ppc64|s390x|riscv64|mips\\w*|loongarch64';
// Checked in parts: one regex with two open-ended gaps could backtrack quadratically.
const UNAME_A_START = /^Linux \S+ \d+\.\d+\S* #\S+ /;
const UNAME_A_MACHINE = new RegExp(` (?:${MACHINES}) `);
const UNAME_A_END = / (?:GNU\/)?Linux$/;
const PROC_VERSION_START = /^Linux version \d+\.\d+\S* \(/;
// A release needs a vendor suffix or "+", so a bare "1.2.3" from a VERSION file does not match.
const RELEASE_ONLY = /^[2-7]\.\d{1,3}\.\d{1,4}(?:-[\w.+~-]+|\+)$/;
const MAX_LINES = 3;

export function detectUname(sample: TextSample): KindDetection | undefined {
  const { lines } = sample;
  if (lines.length === 0 || lines.length > MAX_LINES) return undefined;
  const first = lines[0]!;
  const alone = lines.length === 1;
  if (UNAME_A_START.test(first) && UNAME_A_END.test(first) && UNAME_A_MACHINE.test(first)) {
    return {
      kind: 'uname',
      confidence: alone ? 0.97 : 0.85,
      reason: 'uname -a line (kernel name, node, release, build, machine)',
    };
  }
  if (PROC_VERSION_START.test(first) && first.includes(' #')) {
    return { kind: 'uname', confidence: alone ? 0.95 : 0.8, reason: '/proc/version line' };
  }
  if (alone && RELEASE_ONLY.test(first)) {
    return { kind: 'uname', confidence: 0.4, reason: 'a bare kernel release string (uname -r)' };
  }
  return undefined;
}
