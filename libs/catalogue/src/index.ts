export * from './root-cause-entry.js';
export * from './catalogue.js';
