// reanalyseRecordings: runs one analyser again (a new model or engine) over inspected recordings, keeps
// the old evidence beside the new, and writes a new report revision for each. Keys only in history.
import { workflowInfo } from '@temporalio/workflow';
import { light, speech } from './proxies';

export interface ReanalyseInput {
  /** The analyser to run again. Speech today; the media pass writes several files and is re-run by a new inspection. */
  analyser: 'speech';
  /** These recordings; otherwise every inspected recording (first inspected since `since`). */
  recordingIds?: string[];
  since?: string;
  rulebook?: string;
  /** Recordings analysed at once (each is one activity on the analyser's queue). */
  parallel?: number;
}

export interface ReanalyseResult {
  recordings: number;
  reanalysed: { recordingId: string; revision: number; verdict: string; evidenceKey?: string; previousKey?: string; failure?: string }[];
  missing: string[];
}

export async function reanalyseRecordings(input: ReanalyseInput): Promise<ReanalyseResult> {
  const info = workflowInfo();
  const ids = input.recordingIds ?? (await light.listInspectedRecordings({ since: input.since })).map((r) => r.recordingId);
  const result: ReanalyseResult = { recordings: ids.length, reanalysed: [], missing: [] };
  // A tag unique to this run: the new evidence lands beside the old, never over it.
  const tag = `re-${info.runId.slice(0, 8)}`;
  const parallel = Math.max(1, input.parallel ?? 2);
  for (let i = 0; i < ids.length; i += parallel) {
    await Promise.all(
      ids.slice(i, i + parallel).map(async (recordingId) => {
        const target = await light.prepareReanalysis({ recordingId });
        if (!target) {
          result.missing.push(recordingId);
          return;
        }
        let newKey: string | undefined;
        let failure: string | undefined;
        try {
          const r = await speech.analyseSpeech({ recordingId, bucket: target.bucket, key: target.key, versionId: target.versionId, sha256: target.sha256, rulebook: input.rulebook, evidenceTag: tag });
          newKey = r.speechKey;
          failure = r.speechFailure;
        } catch (err) {
          failure = err instanceof Error ? err.message : String(err);
        }
        const done = await light.finishReanalysis({ target, analyser: input.analyser, newKey, failure, rulebook: input.rulebook, inspection: { workflowId: info.workflowId, runId: info.runId } });
        result.reanalysed.push({ recordingId, revision: done.revision, verdict: done.verdict, ...(newKey ? { evidenceKey: newKey } : {}), ...(done.previousKey ? { previousKey: done.previousKey } : {}), ...(failure ? { failure } : {}) });
      }),
    );
  }
  result.reanalysed.sort((a, b) => a.recordingId.localeCompare(b.recordingId));
  return result;
}
