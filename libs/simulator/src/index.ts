export * from './model/index.js';
export * from './conntrack/index.js';
export * from './netfilter/index.js';
export * from './endpoints/index.js';
export * from './replay/index.js';
export * from './what-if/index.js';
