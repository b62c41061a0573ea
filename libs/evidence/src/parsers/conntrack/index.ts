export { conntrackEventsParser } from './conntrack-events.parser.js';
export { conntrackStatsParser } from './conntrack-stats.parser.js';
export { conntrackTableParser } from './conntrack-table.parser.js';
