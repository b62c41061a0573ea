export * from './object-store.js';
export * from './object-store.error.js';
export * from './folder-object-store.js';
export * from './hashing-counter.js';
export * from './create-object-store.js';
