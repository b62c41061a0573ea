export { COLLECT_SCRIPT_PATH, readCollectScript } from './collect-script.js';
export { collectScriptArguments, type CollectOptions } from './collect-options.js';
export { runCollector, type CollectorResult, type RunCollectorOptions } from './run-collector.js';
