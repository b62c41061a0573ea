import { sampledLines, shareConfidence } from '../confidence.js';
import type { KindDetection } from '../kind-detection.js';
import type { TextSample } from '../text-sample.js';

/**
 * Kernel parameters: `sysctl -a`, `sysctl net` or picked keys (`key = value`, tab-separated
 * multi-values, dots in interface names written as slashes), and `grep -r . /proc/sys/...`
 * dumps (`/proc/sys/net/...:value`). Errors sysctl prints for keys the running kernel lacks are
 * part of the format: which keys are missing says something about the kernel.
 *
 * `a.b = c` is also the shape of Java properties and many configs, so only keys under the
 * kernel's own top-level directories count fully.
 */

const KEY_VALUE = /^([a-z][a-z0-9_]*)(?:\.[\w@:+\-/]+)+ =(?: |$)/;
const KERNEL_ROOTS = new Set([
  'abi',
  'crypto',
  'debug',
  'dev',
  'fs',
  'kernel',
  'net',
  'sunrpc',
  'user',
  'vm',
]);
const PROC_SYS = /^\/proc\/sys\/[\w@:+\-/.]+:/;
const SYSCTL_ERROR =
  /^sysctl: (?:cannot stat \/proc\/sys\/|permission denied on key |reading key ")/;

export function detectSysctl(sample: TextSample): KindDetection | undefined {
  const { lines } = sample;
  let kernelKeys = 0;
  let otherKeys = 0;
  let errors = 0;
  for (const line of lines) {
    const keyValue = KEY_VALUE.exec(line);
    if (keyValue) {
      if (KERNEL_ROOTS.has(keyValue[1]!)) kernelKeys++;
      else otherKeys++;
    } else if (PROC_SYS.test(line)) {
      kernelKeys++;
    } else if (SYSCTL_ERROR.test(line)) {
      errors++;
    }
  }
  if (kernelKeys > 0) {
    return {
      kind: 'sysctl',
      confidence: shareConfidence(kernelKeys + errors, lines.length, 0.45, 0.97),
      reason: sampledLines(kernelKeys, lines.length, 'are kernel sysctl settings'),
    };
  }
  if (otherKeys > 0) {
    return {
      kind: 'sysctl',
      confidence: shareConfidence(otherKeys, lines.length, 0.1, 0.25),
      reason: sampledLines(
        otherKeys,
        lines.length,
        'are dotted key = value settings outside the kernel namespaces',
      ),
    };
  }
  return undefined;
}
