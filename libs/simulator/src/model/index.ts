export * from './conntrack-types.js';
