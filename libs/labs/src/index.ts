export * from './conntrack-differential/index.js';
