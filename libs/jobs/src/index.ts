export * from './queue-names.js';
export * from './analysis-job.js';
export * from './analysis-flow.js';
export * from './queue-backend.js';
