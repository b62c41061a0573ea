export * from './conntrack-differential/index.js';
export * from './reproduction/index.js';
