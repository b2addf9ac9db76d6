// Re-judging stored evidence with another rulebook: no media is read and no model runs. Each recording
// gets a new report revision (earlier ones are kept) unless its latest report already used exactly that
// rulebook. Listing and batches are activities; the rejudge workflow fans them out.
import { Context } from '@temporalio/activity';
import { getJson } from '../lib/object-store';
import type { EvidenceKeys, IngestEvidence } from '../evidence/types';
import { applyOverlays } from '../rules/overlays';
import { latestReport, reportedFailures } from '../report/latest';
import type { ActivityDeps } from './deps';
import { createJudgeActivities } from './judge';
import { createReportActivities } from './report';
import { parseReportKey } from '../evidence/layout';

export interface InspectedRecording {
  recordingId: string;
  latestRevision: number;
}

export interface RejudgeBatchInput {
  recordingIds: string[];
  rulebook?: string;
  inspection: { workflowId: string; runId: string };
}

export interface RejudgeBatchResult {
  rejudged: number;
  unchanged: number;
  missing: string[];
  verdictChanges: { recordingId: string; from: string; to: string }[];
}

export function createRejudgeActivities(deps: ActivityDeps) {
  const judging = createJudgeActivities(deps);
  const reporting = createReportActivities(deps);

  return {
    /** Recordings with at least one report, optionally only those first inspected since a date. */
    async listInspectedRecordings(input: { since?: string }): Promise<InspectedRecording[]> {
      const since = input.since ? Date.parse(input.since) : null;
      const latest = new Map<string, number>();
      const firstAt = new Map<string, number>();
      const stream = deps.s3.listObjectsV2(deps.buckets.reports, '', true);
      for await (const item of stream as AsyncIterable<{ name?: string; lastModified?: Date }>) {
        const parsed = item.name ? parseReportKey(item.name) : null;
        if (!parsed) continue;
        const { recordingId: id, revision } = parsed;
        latest.set(id, Math.max(latest.get(id) ?? 0, revision));
        if (revision === 1 && item.lastModified) firstAt.set(id, item.lastModified.getTime());
      }
      return [...latest.entries()]
        .filter(([id]) => since === null || (firstAt.get(id) ?? 0) >= since)
        .map(([recordingId, latestRevision]) => ({ recordingId, latestRevision }))
        .sort((a, b) => a.recordingId.localeCompare(b.recordingId));
    },

    async rejudgeBatch(input: RejudgeBatchInput): Promise<RejudgeBatchResult> {
      const book = deps.loadRulebook(input.rulebook);
      const result: RejudgeBatchResult = { rejudged: 0, unchanged: 0, missing: [], verdictChanges: [] };
      for (const recordingId of input.recordingIds) {
        Context.current().heartbeat({ recordingId });
        const prior = (await latestReport(deps.s3, deps.buckets.reports, recordingId))?.report;
        if (!prior) {
          result.missing.push(recordingId);
          continue;
        }
        const ingest = prior.evidenceKeys.ingest ? await getJson<IngestEvidence>(deps.s3, deps.buckets.analyses, prior.evidenceKeys.ingest) : null;
        const effective = applyOverlays(book, deps.loadOverlays(), ingest?.sidecar.status === 'ok' ? ingest.sidecar.meta : undefined);
        if (prior.rulebook.sha256 === effective.sha256 && prior.inspection.workflowId !== input.inspection.workflowId) {
          result.unchanged++;
          continue;
        }
        const started = Date.now();
        const evidenceKeys = Object.fromEntries(Object.entries(prior.evidenceKeys).filter(([k]) => k !== 'judgement')) as EvidenceKeys;
        const failures = reportedFailures(prior);
        const judged = await judging.judgeRecording({ recordingId, evidenceKeys, failures, rulebook: input.rulebook });
        const written = await reporting.writeReport({
          recordingId,
          evidenceKeys,
          judgementKey: judged.judgementKey,
          failures,
          timings: [{ activity: 'rejudge', ms: Date.now() - started }],
          inspection: input.inspection,
        });
        result.rejudged++;
        if (written.verdict !== prior.verdict) result.verdictChanges.push({ recordingId, from: prior.verdict, to: written.verdict });
      }
      return result;
    },
  };
}
