import type { RemediationOption, WhatIfRecipe } from '@netmortem/catalogue';
import {
  parseRuleLines,
  ruleLineToAdd,
  whatIf,
  type PacketVerdict,
  type WhatIfOverrides,
} from '@netmortem/simulator';
import type { MatchContext } from '../context/match-context.js';
import { VerdictLookup } from '../context/verdict-lookup.js';
import type { FailurePacket } from '../detectors/detector.js';
import type { FlowRef, RemediationProof } from '../report/analysis-report.js';

/**
 * Replays the bundle with a remediation applied and checks the failing packet's fate: the
 * counterfactual that tells whether the fix would have prevented this incident.
 */
export async function proveRemediation(
  context: MatchContext,
  option: RemediationOption,
  failure: FailurePacket | undefined,
  flow: FlowRef | undefined,
): Promise<RemediationProof> {
  const recipe = option.whatIf;
  if (!recipe)
    return { verdict: 'not-modelled', detail: 'the simulator does not model this change' };
  const present = alreadyInPlace(context, recipe);
  if (present) return { verdict: 'already-in-place', detail: present };
  const baseline = context.replay;
  if (!baseline || !failure) {
    return {
      verdict: 'not-modelled',
      detail: 'no replayable capture of the failing packet in this bundle',
    };
  }
  const overrides = await overridesFor(recipe, flow, context);
  const result = whatIf(
    context.replayEvidenceInput(),
    context.options.replay ?? {},
    overrides,
    baseline,
  );
  const before = context.verdict(failure.capture, failure.index);
  const after = new VerdictLookup(result.variant).get(failure.capture, failure.index);
  const changes = [...result.diff.summary];
  if (!before)
    return { verdict: 'not-modelled', detail: 'the failing packet was not replayed', changes };
  const gone = failureGone(before, after);
  return {
    verdict: gone ? 'removes-failure' : 'does-not-remove-failure',
    detail: gone
      ? `with this change, packet ${failure.index} of ${failure.capture} ${after ? describe(after) : 'is never sent'}: ${failure.what} no longer happens`
      : `with this change, packet ${failure.index} of ${failure.capture} still ${after ? describe(after) : 'fails'}`,
    changes,
  };
}

async function overridesFor(
  recipe: WhatIfRecipe,
  flow: FlowRef | undefined,
  context: MatchContext,
): Promise<WhatIfOverrides> {
  // A recipe's interval is sized for production timeouts; a bundle (a lab) may shrink the
  // timeout it must beat, and the fix then means "probe well within it".
  const limit = recipe.keepalive?.shorterThan
    ? context.settings.number(recipe.keepalive.shorterThan)
    : undefined;
  const everySec = recipe.keepalive
    ? Math.max(
        1,
        Math.min(recipe.keepalive.everySec, limit === undefined ? Infinity : Math.floor(limit / 2)),
      )
    : 0;
  const addRules = recipe.addRules?.length
    ? await parseRuleLines(
        recipe.addRules.map((r) => ruleLineToAdd(r.table, r.line)),
        'remediation rule',
      )
    : undefined;
  return {
    ...(recipe.settings ? { settings: recipe.settings } : {}),
    ...(recipe.kernel ? { kernel: recipe.kernel } : {}),
    ...(addRules ? { addRules } : {}),
    ...(recipe.keepalive
      ? {
          keepalive: [
            {
              side: recipe.keepalive.side,
              everySec,
              ...(flow ? { endpoint: flow.client } : {}),
            },
          ],
        }
      : {}),
  };
}

/**
 * The failure is gone when the packet no longer takes the path that hurt: it is no longer
 * INVALID-and-un-NATed, no longer rejected or dropped, no longer re-NATed elsewhere, and no
 * longer answered with a reset.
 */
function failureGone(before: PacketVerdict, after: PacketVerdict | undefined): boolean {
  if (!after) return true;
  if (after.filter.verdict === 'DROP' && before.filter.verdict !== 'DROP') return true;
  const resetBefore = before.response?.flags.includes('R') ?? false;
  const resetAfter = after.response?.flags.includes('R') ?? false;
  if (resetBefore && !resetAfter) return true;
  if (
    before.ctinfo === 'INVALID' &&
    after.ctinfo !== 'INVALID' &&
    after.nat.skippedBecause === undefined
  )
    return true;
  if (
    (before.filter.verdict === 'REJECT' || before.filter.verdict === 'DROP') &&
    after.filter.verdict !== before.filter.verdict
  )
    return true;
  if (before.ctinfo === 'NEW' && after.ctinfo === 'ESTABLISHED') return true;
  const target = (v: PacketVerdict) =>
    v.nat.translated ? `${v.nat.translated.dst}:${v.nat.translated.dstPort}` : undefined;
  if (
    before.nat.applied &&
    after.nat.applied &&
    target(before) !== target(after) &&
    after.ctinfo === 'ESTABLISHED'
  )
    return true;
  return false;
}

function describe(v: PacketVerdict): string {
  const parts = [`is ${v.ctinfo ?? 'untracked'}`];
  if (v.filter.verdict !== 'NONE' && v.filter.verdict !== 'ACCEPT')
    parts.push(`${v.filter.verdict}ed`);
  if (v.nat.applied) parts.push('NATed');
  else if (v.nat.skippedBecause) parts.push(`not NATed (${v.nat.skippedBecause})`);
  if (v.response) parts.push(`answered ${v.response.flags}`);
  return parts.join(', ');
}

/** Whether the bundle's host already has the change (so it cannot be what was missing). */
function alreadyInPlace(context: MatchContext, recipe: WhatIfRecipe): string | undefined {
  const modelled = Boolean(recipe.addRules?.length || recipe.keepalive);
  if (modelled) return undefined;
  const settings = Object.entries(recipe.settings ?? {});
  const settingsHeld =
    settings.length > 0 &&
    settings.every(([key, value]) => {
      const current = context.settings.get(key);
      return current?.observed === true && current.value === value;
    });
  const kernelHeld =
    recipe.kernel !== undefined &&
    context.settings.kernel !== undefined &&
    context.settings.profile.id === recipe.kernel;
  if (recipe.kernel !== undefined && settings.length === 0)
    return kernelHeld
      ? `the bundle's kernel (${context.settings.kernel.release}) is already ${recipe.kernel}`
      : undefined;
  if (settingsHeld && (recipe.kernel === undefined || kernelHeld))
    return `the bundle's sysctls already say ${settings.map(([k, v]) => `${k}=${v}`).join(', ')}`;
  return undefined;
}
