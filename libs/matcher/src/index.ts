export { analyzeEvidence, REPORT_FLOOR, type AnalyzeOptions } from './analyze-evidence.js';
export { MatchContext, type MatchInput, type MatchOptions } from './context/match-context.js';
export { DETECTORS, type Candidate, type Detector } from './detectors/index.js';
export { latentRisks } from './risks/latent-risks.js';
export type * from './report/analysis-report.js';
export { reportText } from './render/report-text.js';
export { reportMarkdown } from './render/report-markdown.js';
