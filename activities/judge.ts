// Judge activity: a thin adapter that loads stored evidence, runs the pure judge and stores the result.
import { ApplicationFailure } from '@temporalio/activity';
import { getJson, putJson } from '../lib/object-store';
import type { DocumentsEvidence, EvidenceKeys, FacesEvidence, IngestEvidence, IntegrityEvidence, SpeechEvidence } from '../lib/evidence';
import { judge } from '../judge/judge';
import { applyOverlays } from '../rules/overlays';
import type { EvidenceSet, Judgement } from '../judge/types';
import { FAILURE, type ActivityDeps } from './deps';

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

export function createJudgeActivities(deps: ActivityDeps) {
  async function load<T>(key: string | undefined): Promise<T | undefined> {
    if (!key) return undefined;
    const value = await getJson<T>(deps.s3, deps.buckets.analyses, key);
    if (value === null) throw ApplicationFailure.nonRetryable(`evidence ${key} is missing`, FAILURE.badInput);
    return value;
  }

  return {
    async judgeRecording(input: JudgeInput): Promise<JudgeResult> {
      const base = deps.loadRulebook(input.rulebook);
      const evidence: EvidenceSet = {
        ingest: await load<IngestEvidence>(input.evidenceKeys.ingest),
        integrity: await load<IntegrityEvidence>(input.evidenceKeys.integrity),
        faces: await load<FacesEvidence>(input.evidenceKeys.faces),
        documents: await load<DocumentsEvidence>(input.evidenceKeys.documents),
        speech: await load<SpeechEvidence>(input.evidenceKeys.speech),
        failures: input.failures,
      };
      // Overlays (province, product, channel, age) are chosen by the sidecar; a broken sidecar selects none.
      const sidecar = evidence.ingest?.sidecar.status === 'ok' ? evidence.ingest.sidecar.meta : undefined;
      const rulebook = applyOverlays(base, deps.loadOverlays(), sidecar);
      const judgement = judge(evidence, rulebook);
      const ref = `${rulebook.book.id}@${rulebook.book.version}${rulebook.overlays.map((o) => `+${o.id}@${o.version}`).join('')}`;
      const judgementKey = `${input.recordingId}/judgements/${ref}.json`;
      await putJson(deps.s3, deps.buckets.analyses, judgementKey, judgement);
      return { judgementKey, verdict: judgement.verdict, rulebook: ref, steps: judgement.steps.map((s) => ({ id: s.id, verdict: s.verdict })) };
    },
  };
}
