export { netstatParser } from './netstat.parser.js';
export { ssParser } from './ss.parser.js';
