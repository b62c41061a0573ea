export * from './sequences/segment-sequence.js';
export { SeededRandom } from './sequences/seeded-random.js';
export { DEFAULT_SUITE_SEED, FAMILIES, generateSuite } from './sequences/generate-suite.js';
export { LAB_ADDRESSES } from './sequences/lab-addresses.js';
export { scheduleBatch, type ScheduledBatch } from './packets/batch-schedule.js';
export { encodeTcpFrame } from './packets/tcp-frame.encoder.js';
export { writePcap } from './packets/pcap.writer.js';
export { toDomainPacket, wireSegments, type WireSegment } from './packets/wire-segment.js';
export { runKernelSuite, REQUIRED_TOOLS } from './kernel/kernel-runner.js';
export type {
  KernelPacketVerdict,
  KernelRun,
  KernelSequenceVerdicts,
} from './kernel/kernel-verdicts.js';
export { compareWithKernel } from './compare/run-differential.js';
export {
  compareRuns,
  formatReport,
  describeSegment,
  type DifferentialReport,
  type Disagreement,
} from './compare/differential-report.js';
export { toFixture, fromFixture, type VerdictFixture } from './compare/verdict-fixture.js';
export { runModel, type ModelPacketVerdict } from './model/model-runner.js';
