import type { BundleLayouts, LayoutEntry, LayoutHint } from './layout-hint.js';
import { recogniseNetmortem } from './netmortem-layout.js';
import { recogniseRetina } from './retina-layout.js';

/**
 * Recognises the bundle layouts other tools (and our own collector) write, from the paths of
 * an unpacked bundle and the kinds detection gave them, and says per file what it is for:
 * kinds that content alone cannot tell (a /proc/net/snmp copy is protocol counters), files to
 * split (Retina's multi-command files), files that are context, and /proc/sys copies to turn
 * into a SysctlSet. Pure: the caller reads files; this only looks at their names.
 */
export function recogniseLayouts(entries: readonly LayoutEntry[]): BundleLayouts {
  const retina = recogniseRetina(entries);
  const netmortem = recogniseNetmortem(entries);
  const hints = new Map<string, LayoutHint>();
  // A collector bundle unpacked inside a Retina folder is still the collector's: the more
  // specific layout is applied last.
  for (const hint of [...retina.hints, ...netmortem.hints]) hints.set(hint.path, hint);
  return {
    matches: [...retina.matches, ...netmortem.matches].sort((a, b) => a.root.localeCompare(b.root)),
    hints,
    sysctlGroups: retina.sysctlGroups,
  };
}
