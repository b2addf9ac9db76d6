// All activities, built from their dependencies (createActivities(deps), as in Temporal's samples). The
// workflow imports only the types from here.
import type { ActivityDeps } from './deps';
import { createIngestActivities } from './ingest';
import { createJudgeActivities } from './judge';
import { createMediaActivities } from './analyse-media';
import { createSpeechActivities } from './analyse-speech';
import { createReanalyseActivities } from './reanalyse';
import { createReportActivities } from './report';
import { createRejudgeActivities } from './rejudge';
import { createDiscoverActivities } from './discover';
import { createReviewActivities } from './review';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createIngestActivities(deps),
    ...createMediaActivities(deps),
    ...createSpeechActivities(deps),
    ...createReanalyseActivities(deps),
    ...createJudgeActivities(deps),
    ...createReportActivities(deps),
    ...createRejudgeActivities(deps),
    ...createDiscoverActivities(deps),
    ...createReviewActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
export type { IngestInput, IngestResult } from './ingest';
export type { AnalyseMediaInput, AnalyseMediaResult, BadMediaDetails } from './analyse-media';
export type { JudgeInput, JudgeResult } from './judge';
export type { AnalyseSpeechInput, AnalyseSpeechResult } from './analyse-speech';
export type { ReanalysisTarget, FinishReanalysisInput } from './reanalyse';
export type { WriteReportInput, WriteReportResult } from './report';
export type { DiscoverInput, DiscoverResult } from './discovery-io';
export type { InspectedRecording, RejudgeBatchInput, RejudgeBatchResult } from './rejudge';
