// Stores where one analysis spent its time (lib/profile.ts) beside its evidence, for bench/: never read by
// a check, and never fatal (a profile that cannot be stored is logged and dropped).
import { putJson } from '../lib/object-store';
import { processCpuMs, type StageProfile } from '../lib/profile';
import type { ActivityDeps } from './deps';

export interface AnalysisProfile {
  half: 'media' | 'speech';
  recordingId: string;
  durationS: number | null;
  /** Wall time of the whole activity, ms. */
  wallMs: number;
  /** CPU of the worker process (and its reaped children) over the activity, ms: the half's cost when the worker runs nothing else. */
  processCpuMs: number;
  pid: number;
  stages: StageProfile;
}

export async function putProfile(
  deps: Pick<ActivityDeps, 's3' | 'buckets' | 'logger'>,
  key: string,
  p: { half: AnalysisProfile['half']; recordingId: string; durationS: number | null; t0: number; cpu0: number; profile: StageProfile },
): Promise<void> {
  const body: AnalysisProfile = {
    half: p.half,
    recordingId: p.recordingId,
    durationS: p.durationS,
    wallMs: Math.round(performance.now() - p.t0),
    processCpuMs: Math.round(processCpuMs() - p.cpu0),
    pid: process.pid,
    stages: p.profile,
  };
  try {
    await putJson(deps.s3, deps.buckets.analyses, key, body);
  } catch (err) {
    deps.logger.warn({ recordingId: p.recordingId, err: err instanceof Error ? err.message : String(err) }, 'profile not stored');
  }
}
