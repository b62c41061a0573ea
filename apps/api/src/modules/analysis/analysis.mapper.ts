import { ANALYSIS_STAGES, type StageLog } from '@netmortem/domain';
import type { DbAnalysis, DbFinding, DbFindingReview } from '@netmortem/db';
import type { Analysis, AnalysisStageRecord } from './models/analysis.model.js';
import type { Finding, FindingReview } from './models/finding.model.js';

export function toAnalysis(row: DbAnalysis): Analysis {
  return {
    id: row.id,
    bundleId: row.bundleId,
    status: row.status,
    stage: row.stage,
    progress: row.progress,
    stages: stageRecords(row.stages as StageLog),
    error: row.error,
    errorCode: row.errorCode,
    catalogueVersion: row.catalogueVersion,
    attempts: row.attempts,
    queuedAt: row.queuedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

/** Stages in pipeline order, only those that started. */
function stageRecords(log: StageLog | null): AnalysisStageRecord[] {
  return ANALYSIS_STAGES.flatMap((name) => {
    const record = log?.[name];
    if (!record) return [];
    return [
      {
        name,
        state: record.state,
        startedAt: record.startedAt ? new Date(record.startedAt) : null,
        finishedAt: record.finishedAt ? new Date(record.finishedAt) : null,
        durationMs: record.durationMs ?? null,
        note: record.note ?? null,
      },
    ];
  });
}

export function toFinding(row: DbFinding): Finding {
  return {
    id: row.id,
    analysisId: row.analysisId,
    rootCauseId: row.rootCauseSlug,
    confidence: row.confidence,
    summary: row.summary,
    flow: row.flow,
    evidence: row.evidence,
    evidenceAgainst: row.evidenceAgainst,
    remediation: row.remediation,
    foundLater: row.foundLater,
    createdAt: row.createdAt,
  };
}

export function toReview(row: DbFindingReview): FindingReview {
  return {
    id: row.id,
    findingId: row.findingId,
    reviewer: row.reviewer,
    verdict: row.verdict,
    note: row.note,
    updatedAt: row.updatedAt,
  };
}
