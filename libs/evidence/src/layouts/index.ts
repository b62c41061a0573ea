export type {
  ArtifactRole,
  BundleLayouts,
  LayoutEntry,
  LayoutHint,
  LayoutMatch,
  LayoutName,
  SysctlGroup,
} from './layout-hint.js';
export { recogniseLayouts } from './recognise-layouts.js';
export {
  procSysKey,
  synthesiseSysctlSet,
  type ProcSysValue,
  type SynthesisedSysctl,
} from './proc-sys-sysctl.js';
export {
  splitRetinaMetadata,
  type RetinaMetadata,
  type RetinaMetadataSection,
} from './retina-metadata.js';
export {
  parseIptablesListing,
  type IptablesListing,
  type ListedChain,
  type ListedRule,
} from './iptables-listing.js';
export { attachListingCounters, type CountedRuleset } from './listing-counters.js';
