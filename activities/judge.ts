// Judge activity: a thin adapter that loads stored evidence, runs the pure judge and stores the result.
import { ApplicationFailure } from '@temporalio/activity';
import { putJson } from '../lib/object-store';
import { judgementKey as judgementKeyOf } from '../evidence/layout';
import { loadEvidenceSet, MissingEvidenceError } from '../evidence/load';
import type { EvidenceKeys, EvidenceSet } from '../evidence/types';
import { judge } from '../judge/judge';
import { applyOverlays } from '../rules/overlays';
import type { Judgement } from '../judge/types';
import type { ActivityDeps } from './deps';
import { ERROR_TYPES } from '../temporal.config';

export interface JudgeInput {
  recordingId: string;
  evidenceKeys: EvidenceKeys;
  failures: Record<string, string>;
  /** `id` or `id@version`; the default rulebook when absent. */
  rulebook?: string;
}

export interface JudgeResult {
  judgementKey: string;
  verdict: Judgement['verdict'];
  rulebook: string;
  steps: { id: string; verdict: string }[];
}

/** Stored evidence for an activity: a recorded key whose object is gone cannot be fixed by a retry. */
export async function loadEvidence(deps: ActivityDeps, keys: EvidenceKeys, failures: Record<string, string>): Promise<EvidenceSet> {
  try {
    return await loadEvidenceSet(deps.s3, deps.buckets.analyses, keys, failures);
  } catch (err) {
    if (err instanceof MissingEvidenceError) throw ApplicationFailure.nonRetryable(err.message, ERROR_TYPES.badInput);
    throw err;
  }
}

export function createJudgeActivities(deps: ActivityDeps) {
  return {
    async judgeRecording(input: JudgeInput): Promise<JudgeResult> {
      const base = deps.loadRulebook(input.rulebook);
      const evidence = await loadEvidence(deps, input.evidenceKeys, input.failures);
      // Overlays (province, product, channel, age) are chosen by the sidecar; a broken sidecar selects none.
      const sidecar = evidence.ingest?.sidecar.status === 'ok' ? evidence.ingest.sidecar.meta : undefined;
      const rulebook = applyOverlays(base, deps.loadOverlays(), sidecar);
      const judgement = judge(evidence, rulebook);
      const ref = `${rulebook.book.id}@${rulebook.book.version}${rulebook.overlays.map((o) => `+${o.id}@${o.version}`).join('')}`;
      const judgementKey = judgementKeyOf(input.recordingId, ref);
      await putJson(deps.s3, deps.buckets.analyses, judgementKey, judgement);
      return { judgementKey, verdict: judgement.verdict, rulebook: ref, steps: judgement.steps.map((s) => ({ id: s.id, verdict: s.verdict })) };
    },
  };
}
