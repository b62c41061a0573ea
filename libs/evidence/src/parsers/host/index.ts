export { netCountersParser } from './net-counters.parser.js';
export { sysctlParser } from './sysctl.parser.js';
export { unameParser } from './uname.parser.js';
