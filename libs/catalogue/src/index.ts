export * from './root-cause-entry.js';
export * from './catalogue.js';
export {
  CatalogueValidationError,
  assertValidCatalogue,
  catalogueProblems,
  entryProblems,
  isSysctlKey,
  type EntryProblem,
} from './entry-validation.js';
