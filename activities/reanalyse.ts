// Re-analysing stored recordings with one analyser (a new model or engine version): the analyser runs
// again on the pinned recording version, its new evidence is written beside the old (a new key, the old
// one kept), and the recording is judged and reported again from the prior evidence with that one
// analyser's part replaced. The activities here are the two ends; the analyser itself is the usual one.
import type { EvidenceKeys } from '../evidence/types';
import { latestReport, reportedFailures } from '../report/latest';
import type { ActivityDeps } from './deps';
import { createJudgeActivities } from './judge';
import { createReportActivities } from './report';

export interface ReanalysisTarget {
  recordingId: string;
  bucket: string;
  key: string;
  versionId: string | null;
  sha256: string;
  evidenceKeys: EvidenceKeys;
  failures: Record<string, string>;
  revision: number;
}

export interface FinishReanalysisInput {
  target: ReanalysisTarget;
  analyser: 'speech';
  newKey?: string;
  failure?: string;
  rulebook?: string;
  inspection: { workflowId: string; runId: string };
}

export function createReanalyseActivities(deps: ActivityDeps) {
  const judging = createJudgeActivities(deps);
  const reporting = createReportActivities(deps);

  return {
    /** What the latest report says about a recording: the pinned version to analyse and the evidence it rests on. */
    async prepareReanalysis(input: { recordingId: string }): Promise<ReanalysisTarget | null> {
      const latest = await latestReport(deps.s3, deps.buckets.reports, input.recordingId);
      if (!latest) return null;
      const { report } = latest;
      return {
        recordingId: input.recordingId,
        bucket: report.recording.bucket,
        key: report.recording.key,
        versionId: report.recording.versionId,
        sha256: report.recording.sha256,
        evidenceKeys: Object.fromEntries(Object.entries(report.evidenceKeys).filter(([k]) => k !== 'judgement')),
        failures: reportedFailures(report),
        revision: latest.revision,
      };
    },

    /** Judges with the analyser's new evidence in place of the old and writes the next report revision. */
    async finishReanalysis(input: FinishReanalysisInput): Promise<{ revision: number; verdict: string; previousKey?: string }> {
      const evidenceKeys: EvidenceKeys = { ...input.target.evidenceKeys };
      const failures = { ...input.target.failures };
      const previousKey = evidenceKeys[input.analyser];
      delete evidenceKeys[input.analyser];
      delete failures[input.analyser];
      if (input.newKey) evidenceKeys[input.analyser] = input.newKey;
      if (input.failure) failures[input.analyser] = input.failure;
      const started = Date.now();
      const judged = await judging.judgeRecording({ recordingId: input.target.recordingId, evidenceKeys, failures, rulebook: input.rulebook });
      const written = await reporting.writeReport({
        recordingId: input.target.recordingId,
        evidenceKeys,
        judgementKey: judged.judgementKey,
        failures,
        timings: [{ activity: `reanalyse:${input.analyser}`, ms: Date.now() - started }],
        inspection: input.inspection,
      });
      return { revision: written.revision, verdict: written.verdict, ...(previousKey ? { previousKey } : {}) };
    },
  };
}
