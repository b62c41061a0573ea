export * from './netfilter-types.js';
export { RulesetEvaluator } from './ruleset-evaluator.js';
export { FlowVerdictCache } from './flow-verdict-cache.js';
export { TABLE_HOOKS } from './compiled-table.js';
export {
  parseIpAddress,
  formatIpAddress,
  parseAddressPrefix,
  prefixContains,
  type IpAddress,
  type AddressPrefix,
} from './ip-address.js';
export { DEFAULT_REJECT_WITH } from './reject-types.js';
