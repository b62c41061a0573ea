export * from './artifact/artifact-kind.js';
export * from './artifact/locator.js';
export * from './analysis/analysis-stage.js';
export * from './errors/netmortem.error.js';
export * from './evidence/index.js';
