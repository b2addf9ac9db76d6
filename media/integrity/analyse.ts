// The integrity pass: whole, uncut, with picture and sound. Its taps join the shared decode (other
// analysers add theirs to the same decodeOnce call) and `finish` turns the detectors' findings into
// defects in the labelled shape. Everything here is an observation; the rulebook decides what fails.
import { round } from '../../lib/numbers';
import type { EvidenceDefect, EvidenceNote } from '../defects';
import type { IntegrityBody } from './body';
import type { AudioTap, DecodeSummary, VideoTap } from '../decode';
import type { MediaFacts } from '../probe';
import { DEFAULT_SOUND_THRESHOLDS, SoundDetector, type SoundThresholds } from './audio-detectors';
import { overlaps } from './runs';
import type { TimestampScan } from './timestamps';
import { DEFAULT_PICTURE_THRESHOLDS, PictureDetector, type PictureThresholds } from './video-detectors';

export interface IntegrityConfig {
  picture: PictureThresholds;
  sound: SoundThresholds;
  /** Timestamp jumps at least this long are cuts. */
  gapMinS: number;
  /** Grey frames per second examined for black, frozen and abrupt changes. */
  sampleFps: number;
  /** Decoded length may fall short of the declared length by this much before it counts as truncated. */
  durationToleranceS: number;
  /** Audio and video lengths may differ by this much. */
  avToleranceS: number;
  /**
   * An abrupt picture change is a cut when the room's noise floor also jumps by this much. Clicks are kept
   * as evidence only: a word starting at the same instant looks like one.
   */
  cutLevelJumpDb: number;
}

export const DEFAULT_INTEGRITY_CONFIG: IntegrityConfig = {
  picture: DEFAULT_PICTURE_THRESHOLDS,
  sound: DEFAULT_SOUND_THRESHOLDS,
  gapMinS: 1,
  sampleFps: 10,
  durationToleranceS: 1,
  avToleranceS: 1,
  cutLevelJumpDb: 6,
};

export const INTEGRITY_ANALYSER = { name: 'integrity', version: '1.0.0' };
const AUDIO_RATE = 16000;

interface IntegrityPass {
  videoTaps: VideoTap[];
  audio?: AudioTap;
  finish(decode: DecodeSummary, timestamps: TimestampScan[]): IntegrityBody;
}

export function integrityPass(facts: MediaFacts, config: IntegrityConfig = DEFAULT_INTEGRITY_CONFIG): IntegrityPass {
  const picture = facts.video ? new PictureDetector(config.sampleFps, config.picture) : null;
  const sound = facts.audio ? new SoundDetector(AUDIO_RATE, config.sound) : null;
  const videoTaps: VideoTap[] = picture
    ? [{ name: 'integrity', width: 160, height: 90, fps: config.sampleFps, pixFmt: 'gray', onFrame: (f) => picture.push(f) }]
    : [];
  const audio: AudioTap | undefined = sound ? { sampleRate: AUDIO_RATE, onSamples: (s) => sound.push(s) } : undefined;

  return {
    videoTaps,
    audio,
    finish(decode, timestamps) {
      const defects: EvidenceDefect[] = [];
      const notes: EvidenceNote[] = [];
      const measurements: Record<string, number> = {};
      if (!facts.video) defects.push({ type: 'no_video', reason: 'the recording has no video stream', source: 'streams' });
      if (!facts.audio) defects.push({ type: 'no_audio', reason: 'the recording has no audio stream', source: 'streams' });

      const gaps = timestamps.flatMap((s) => s.gaps);
      const gapCuts: EvidenceDefect[] = [];
      for (const gap of gaps.sort((a, b) => a.at - b.at)) {
        const near = gapCuts.find((c) => Math.abs((c.at ?? 0) - gap.at) < 0.5);
        if (near) continue;
        gapCuts.push({
          type: 'cut',
          at: gap.at,
          reason: `timestamps jump by ${gap.gapS.toFixed(2)} s in the ${gap.stream} stream (recording paused or pieces joined)`,
          source: 'container',
          detail: { gapS: gap.gapS, stream: gap.stream },
        });
      }
      defects.push(...gapCuts);
      const gapSpans = gaps.map((g) => ({ from: g.at - 0.5, to: g.at + g.gapS + 0.5 }));
      const backwards = timestamps.reduce((n, s) => n + s.backwards, 0);
      if (backwards > 0) measurements.backwardTimestamps = backwards;

      const pictureFindings = picture?.finish();
      const soundFindings = sound?.finish();
      if (pictureFindings) {
        measurements.meanLuma = pictureFindings.meanLuma;
        for (const run of pictureFindings.black) {
          defects.push({ type: 'black', from: run.from, to: run.to, reason: `black picture for ${(run.to - run.from).toFixed(1)} s (mean luma ${run.meanLuma})`, source: 'picture', detail: { meanLuma: run.meanLuma } });
        }
        for (const run of pictureFindings.frozen) {
          // The decoder repeats the last frame across a timestamp gap; that gap is already a cut.
          if (gapSpans.some((g) => overlaps(g, run) && run.to - run.from <= g.to - g.from + 0.5)) continue;
          defects.push({ type: 'frozen', from: run.from, to: run.to, reason: `picture frozen for ${(run.to - run.from).toFixed(1)} s`, source: 'picture' });
        }
        for (const change of pictureFindings.abruptChanges) {
          if (gapCuts.some((c) => Math.abs((c.at ?? 0) - change.at) < 1)) continue;
          const sd = sound?.discontinuityNear(change.at);
          const soundBreaks = sd !== undefined && sd.levelJumpDb >= config.cutLevelJumpDb;
          if (soundBreaks) {
            defects.push({
              type: 'cut',
              at: change.at,
              reason: `the whole picture changes at once (difference ${change.diff} vs ${change.contextDiff} around it) and the room sound changes with it (noise floor jumps ${sd.levelJumpDb} dB): a splice`,
              source: 'picture',
              detail: { pictureDiff: change.diff, contextDiff: change.contextDiff, structure: change.structure, clickRatio: sd.clickRatio, levelJumpDb: sd.levelJumpDb },
            });
          } else {
            notes.push({ at: change.at, text: `abrupt picture change (difference ${change.diff}) without a change of room sound${sd ? ` (noise floor ${sd.levelJumpDb} dB)` : ''}: not counted as a cut (a light switched, or a splice of two takes in the same room — the recorder clock check would tell)` });
          }
        }
      }
      if (soundFindings) {
        measurements.audioMeanDb = soundFindings.meanDb;
        measurements.audioPeakDb = soundFindings.peakDb;
        if (soundFindings.noiseFloorDb !== null) measurements.noiseFloorDb = soundFindings.noiseFloorDb;
        measurements.silenceThresholdDb = soundFindings.silenceThresholdDb;
        for (const run of soundFindings.silence) {
          // The decoder fills a timestamp gap with silence; that gap is already a cut.
          if (gapSpans.some((g) => overlaps(g, run) && run.to - run.from <= g.to - g.from + 0.5)) continue;
          defects.push({ type: 'silence', from: run.from, to: run.to, reason: `no sound for ${(run.to - run.from).toFixed(1)} s (level ≤ ${run.levelDb} dBFS)`, source: 'sound', detail: { levelDb: run.levelDb } });
        }
      }

      if (facts.audioStreams > 1) notes.push({ text: `${facts.audioStreams} audio streams: the first was inspected` });
      if (facts.videoStreams > 1) notes.push({ text: `${facts.videoStreams} video streams: the first was inspected` });
      if (decode.errorCount > 0) {
        notes.push({ text: `the decoder reported ${decode.errorCount} error(s) (possibly corrupt data): ${decode.errors[0] ?? ''}` });
      }
      const declaredS = facts.durationS ?? Math.max(facts.video?.durationS ?? 0, facts.audio?.durationS ?? 0);
      const decodedS = Math.max(decode.videoDecodedS, decode.audioDecodedS);
      measurements.declaredDurationS = round(declaredS, 3);
      measurements.videoDecodedS = round(decode.videoDecodedS, 3);
      measurements.audioDecodedS = round(decode.audioDecodedS, 3);
      const shortBy = declaredS - decodedS;
      const decoderGaveUp = decode.exitCode !== 0;
      if ((shortBy > config.durationToleranceS || decoderGaveUp) && decodedS > 0) {
        defects.push({
          type: 'truncated',
          at: round(decodedS),
          reason: `truncated: media ends at ${decodedS.toFixed(1)} s of a declared ${declaredS.toFixed(1)} s${decode.errors[0] ? ` (decoder: ${decode.errors[0]})` : ''}`,
          source: 'decoder',
          detail: { declaredS: round(declaredS, 3), decodedS: round(decodedS, 3) },
        });
      }
      if (facts.video && facts.audio && decode.videoDecodedS > 0 && decode.audioDecodedS > 0) {
        const diff = Math.abs(decode.videoDecodedS - decode.audioDecodedS);
        if (diff > config.avToleranceS) {
          defects.push({
            type: 'av_mismatch',
            reason: `audio lasts ${decode.audioDecodedS.toFixed(1)} s and video ${decode.videoDecodedS.toFixed(1)} s`,
            source: 'streams',
            detail: { videoS: round(decode.videoDecodedS, 3), audioS: round(decode.audioDecodedS, 3) },
          });
        }
      }
      const readable = decodedS > 0;
      return {
        readable,
        ...(readable ? {} : { problem: { code: 'undecodable' as const, message: `nothing could be decoded${decode.errors[0] ? `: ${decode.errors[0]}` : ''}` } }),
        media: facts,
        decode: {
          videoDecodedS: round(decode.videoDecodedS, 3),
          audioDecodedS: round(decode.audioDecodedS, 3),
          complete: decode.exitCode === 0,
          errorCount: decode.errorCount,
          errors: decode.errors.slice(0, 10),
          sampleFps: config.sampleFps,
        },
        defects: defects.sort((a, b) => (a.at ?? a.from ?? 0) - (b.at ?? b.from ?? 0)),
        notes,
        measurements,
      };
    },
  };
}
