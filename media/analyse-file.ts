// Everything learned from one local media file in one decode: the probe, the packet timestamps, and the
// taps of every analyser that watches or listens (today the integrity pass; faces and documents add
// theirs here). Returns evidence bodies; the activity stores them.
import { INTEGRITY_ANALYSER, integrityPass, DEFAULT_INTEGRITY_CONFIG, type IntegrityConfig } from './integrity/analyse';
import { scanTimestamps, type TimestampScan } from './integrity/timestamps';
import { decodeOnce } from './decode';
import { probeMedia } from './probe';
import { EVIDENCE_SCHEMA_VERSION, type IntegrityEvidence } from '../lib/evidence';

export interface AnalyseFileOptions {
  recordingId: string;
  signal?: AbortSignal;
  onProgress?: (stage: string, decodedS: number) => void;
  integrity?: IntegrityConfig;
  now?: () => Date;
}

export async function analyseMediaFile(file: string, options: AnalyseFileOptions): Promise<IntegrityEvidence> {
  const header = {
    kind: 'integrity' as const,
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    recordingId: options.recordingId,
    analyser: INTEGRITY_ANALYSER,
    createdAt: (options.now ?? (() => new Date()))().toISOString(),
  };
  const probe = await probeMedia(file, options.signal);
  if (!probe.ok) {
    const defect = probe.problem.code === 'truncated' ? 'truncated' : 'unreadable';
    return {
      ...header,
      readable: false,
      problem: probe.problem,
      // Without its index the file cannot say where its media ends, so a truncation has no `at` here.
      defects: [{ type: defect, reason: probe.problem.message, source: 'container' }],
      notes: [],
      measurements: {},
    };
  }
  const facts = probe.facts;
  const config = options.integrity ?? DEFAULT_INTEGRITY_CONFIG;
  const scans: TimestampScan[] = [];
  if (facts.video) scans.push(await scanTimestamps(file, facts.video.index, 'video', config.gapMinS, options.signal));
  options.onProgress?.('timestamps', 0);
  if (facts.audio) scans.push(await scanTimestamps(file, facts.audio.index, 'audio', config.gapMinS, options.signal));
  const pass = integrityPass(facts, config);
  const decode = await decodeOnce(file, facts, {
    videoTaps: pass.videoTaps,
    audio: pass.audio,
    signal: options.signal,
    onProgress: (t) => options.onProgress?.('decode', t),
  });
  return { ...header, ...pass.finish(decode, scans) };
}
