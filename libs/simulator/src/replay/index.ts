export { replayEvidence, ReplayRun } from './replay.js';
export { ReplayEngine, type ReplayOutcome } from './replay-engine.js';
export { ReplayStep, PacketPath, toVerdict, type PredictedResponse } from './replay-step.js';
export { timelineJson, type TimelineRecord } from './replay-timeline.js';
export { mergeByTime, findDuplicates } from './packet-order.js';
export { inferLocalAddresses } from './local-addresses.js';
export { seededRandom } from './seeded-random.js';
export { isoMicros, packetText, flagsText, tupleText } from './format.js';
export type * from './replay-types.js';
