export * from './bundle.error.js';
export * from './bundle-types.js';
export * from './unpack-limits.js';
export { detectBundleFormat, formatClaimedByName } from './bundle-format.js';
export { unpackBundle } from './unpack-bundle.js';
