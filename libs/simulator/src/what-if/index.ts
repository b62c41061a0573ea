export { whatIf, describeOverrides, type WhatIfResult } from './what-if.js';
export { diffReplays } from './replay-diff.js';
export { editRulesets } from './ruleset-edit.js';
export { synthesiseKeepalives } from './keepalive-probes.js';
export { parseRuleLines, ruleLineToAdd } from './rule-lines.js';
export { parseWhatIfSpecs, type ParsedWhatIf, type RuleLineToAdd } from './what-if-spec.js';
export type * from './what-if-types.js';
