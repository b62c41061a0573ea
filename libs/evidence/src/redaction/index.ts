export { Pseudonymiser, type RedactionCounts, type RedactionMapping } from './pseudonymiser.js';
export { MIN_SECRET_BYTES, keyFingerprint } from './redaction-keys.js';
export { KEPT_PORTS, PORT_BANDS, PortPseudonymiser } from './port-pseudonymiser.js';
export { NameRegistry, type NameKind } from './name-registry.js';
export { CaptureRedactor, redactCapture } from './capture-redactor.js';
export type { CaptureRedactionSummary } from './capture-redaction-summary.js';
export {
  TextRedactor,
  redactText,
  type TextRedactionOptions,
  type TextRedactionSummary,
} from './text-redactor.js';
export { TextLineRedactor, type LineRedactionOptions } from './text-line-redactor.js';
export { NameHarvester } from './name-harvester.js';
export { harvestNames } from './harvest-names.js';
export { redactionPolicy, type RedactionPolicy } from './redaction-policy.js';
