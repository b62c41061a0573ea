import { replayEvidence, type ReplayRun } from '../replay/replay.js';
import { mergeByTime } from '../replay/packet-order.js';
import type { ReplayEvidence, ReplayOptions } from '../replay/replay-types.js';
import { synthesiseKeepalives } from './keepalive-probes.js';
import { diffReplays } from './replay-diff.js';
import { editRulesets } from './ruleset-edit.js';
import type { ReplayDiff, WhatIfOverrides } from './what-if-types.js';

export interface WhatIfResult {
  readonly baseline: ReplayRun;
  readonly variant: ReplayRun;
  readonly diff: ReplayDiff;
}

/**
 * Replays the evidence twice, as it is and with the overrides (sysctls, rules, keepalive,
 * kernel), and says what changes. Both runs use the same seed, so a statistic pick differs
 * only when the override changes what the evidence can decide.
 */
export function whatIf(
  evidence: ReplayEvidence,
  options: ReplayOptions,
  overrides: WhatIfOverrides,
  baseline: ReplayRun = replayEvidence(evidence, options),
): WhatIfResult {
  const rulesets =
    (overrides.addRules?.length ?? 0) + (overrides.removeRules?.length ?? 0) > 0
      ? editRulesets(evidence.rulesets ?? [], overrides.removeRules ?? [], overrides.addRules ?? [])
      : evidence.rulesets;
  const keepalive = [...(options.keepalive ?? []), ...(overrides.keepalive ?? [])];
  const probes =
    keepalive.length > 0 ? synthesiseKeepalives(mergeByTime(evidence.packets), keepalive) : [];
  const variant = replayEvidence(
    { ...evidence, ...(rulesets === undefined ? {} : { rulesets }) },
    {
      ...options,
      ...(overrides.kernel === undefined ? {} : { kernel: overrides.kernel }),
      settings: { ...(options.settings ?? {}), ...(overrides.settings ?? {}) },
      // The baseline's local addresses, so both runs route the same way.
      localAddresses: [...baseline.input.localAddresses],
      keepalive,
    },
    probes,
  );
  return { baseline, variant, diff: diffReplays(baseline, variant, describeOverrides(overrides)) };
}

export function describeOverrides(overrides: WhatIfOverrides): string[] {
  const words: string[] = [];
  for (const [key, value] of Object.entries(overrides.settings ?? {}))
    words.push(`${key}=${value}`);
  if (overrides.kernel !== undefined) words.push(`kernel ${overrides.kernel}`);
  for (const removal of overrides.removeRules ?? [])
    words.push(`without "${removal.line.trim()}"${removal.table ? ` (${removal.table})` : ''}`);
  for (const addition of overrides.addRules ?? [])
    words.push(`with "${addition.rule.raw}" (${addition.table})`);
  for (const k of overrides.keepalive ?? [])
    words.push(
      `keepalive every ${k.everySec} s from the ${k.side}${k.endpoint ? ` of ${k.endpoint}` : ''} refreshes it`,
    );
  return words;
}
