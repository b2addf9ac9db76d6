// The integrity pass: whole, uncut, with picture and sound. Its taps join the shared decode (other
// analysers add theirs to the same decodeOnce call) and `finish` turns the detectors' findings into
// defects in the labelled shape. Everything here is an observation; the rulebook decides what fails.
import { round } from '../../lib/numbers';
import type { EvidenceDefect, EvidenceFlag, EvidenceNote } from '../defects';
import type { IntegrityBody } from './body';
import type { AudioTap, DecodeSummary, VideoTap } from '../decode';
import type { MediaFacts } from '../probe';
import { DEFAULT_SOUND_THRESHOLDS, SoundDetector, type SoundThresholds } from './audio-detectors';
import { overlaps } from './runs';
import type { TimestampScan } from './timestamps';
import type { UndecodableSpan } from './undecodable';
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
   * An abrupt whole-frame picture change is a cut when the room's noise floor also jumps by this much,
   * measured where both sides carry room noise (a noise gate's digital zeros are not room tone). Clicks
   * are kept as evidence only: a word starting at the same instant looks like one.
   */
  cutLevelJumpDb: number;
  /**
   * A whole-frame change whose structure correlation (mean and contrast removed) is at least this is the
   * same scene lit differently (a light switched): a note, not a suspicion.
   */
  relitStructure: number;
}

export const DEFAULT_INTEGRITY_CONFIG: IntegrityConfig = {
  picture: DEFAULT_PICTURE_THRESHOLDS,
  sound: DEFAULT_SOUND_THRESHOLDS,
  gapMinS: 1,
  sampleFps: 10,
  durationToleranceS: 1,
  avToleranceS: 1,
  cutLevelJumpDb: 6,
  relitStructure: 0.9,
};

// 1.1.0: a cut needs two independent signals; one signal alone is a flag; gate silence is not a dead channel.
// 1.2.0: undecodable spans located after a decode with errors; black, frozen, silent and abrupt-change findings inside them are notes.
export const INTEGRITY_ANALYSER = { name: 'integrity', version: '1.2.0' };
const AUDIO_RATE = 16000;

interface IntegrityPass {
  videoTaps: VideoTap[];
  audio?: AudioTap;
  /** `undecodable`: the damaged spans located after a decode that reported errors (media/integrity/undecodable.ts). */
  finish(decode: DecodeSummary, timestamps: TimestampScan[], undecodable?: UndecodableSpan[]): IntegrityBody;
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
    finish(decode, timestamps, undecodable = []) {
      const defects: EvidenceDefect[] = [];
      const notes: EvidenceNote[] = [];
      const flags: EvidenceFlag[] = [];
      const measurements: Record<string, number> = {};
      // What the decoder could not read is not seen or heard: the detectors' findings there are the damage
      // (a picture repeated or garbled, silence filled in), not the recording, and are kept as notes.
      const damaged = (stream: 'video' | 'audio') => undecodable.filter((u) => u.stream === stream).map((u) => ({ from: u.from - 0.5, to: u.to + 0.5 }));
      const damagedVideo = damaged('video');
      const damagedAudio = damaged('audio');
      const inDamage = (spans: { from: number; to: number }[], run: { from: number; to: number }): boolean => spans.some((d) => overlaps(d, run));
      const setAside = (what: string, run: { from: number; to: number }): void => {
        notes.push({ from: round(run.from, 2), to: round(run.to, 2), text: `${what} inside a span that could not be decoded: the damage, not held against the recording` });
      };
      // The decoder's first complaint about that stream's codec, if it named it.
      const complaint = (stream: 'video' | 'audio'): string | undefined => {
        const codec = stream === 'video' ? facts.video?.codec : facts.audio?.codec;
        return codec ? decode.errors.find((e) => e.includes(`[${codec} @`)) : undefined;
      };
      for (const u of undecodable) {
        const said = complaint(u.stream);
        const name = u.stream === 'video' ? 'picture' : 'sound';
        const tail = u.stream === 'video' ? (u.keyframeAt === null ? ', and every picture after it is predicted from the damaged ones (no keyframe follows)' : u.keyframeAt !== undefined && u.keyframeAt > u.from ? `, up to the next keyframe at ${u.keyframeAt.toFixed(1)} s (the pictures between are predicted from the damaged ones)` : '') : '';
        defects.push({
          type: 'undecodable',
          from: u.from,
          to: u.to,
          reason: `the ${name} could not be decoded from ${u.from.toFixed(1)} s to ${u.to.toFixed(1)} s (${u.packets} damaged packet(s)${tail}${said ? `; decoder: ${said}` : ''}): what happened there cannot be ${u.stream === 'video' ? 'seen' : 'heard'}`,
          source: 'decoder',
          detail: { stream: u.stream, packets: u.packets, ...(u.keyframeAt !== undefined ? { keyframeAt: u.keyframeAt ?? -1 } : {}) },
        });
      }
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
          if (inDamage(damagedVideo, run)) {
            setAside('a black picture', run);
            continue;
          }
          defects.push({ type: 'black', from: run.from, to: run.to, reason: `black picture for ${(run.to - run.from).toFixed(1)} s (mean luma ${run.meanLuma})`, source: 'picture', detail: { meanLuma: run.meanLuma } });
        }
        for (const run of pictureFindings.frozen) {
          // The decoder repeats the last frame across a timestamp gap; that gap is already a cut.
          if (gapSpans.some((g) => overlaps(g, run) && run.to - run.from <= g.to - g.from + 0.5)) continue;
          if (inDamage(damagedVideo, run)) {
            setAside('a frozen picture', run);
            continue;
          }
          defects.push({ type: 'frozen', from: run.from, to: run.to, reason: `picture frozen for ${(run.to - run.from).toFixed(1)} s`, source: 'picture' });
        }
        for (const change of pictureFindings.abruptChanges) {
          // Picture + timestamps: the container's gap is already the cut.
          if (gapCuts.some((c) => Math.abs((c.at ?? 0) - change.at) < 1)) continue;
          if (inDamage(damagedVideo, { from: change.at, to: change.at })) {
            setAside(`an abrupt picture change at ${change.at.toFixed(1)} s`, { from: change.at, to: change.at });
            continue;
          }
          const sd = sound?.discontinuityNear(change.at);
          const whole = change.changedShare >= config.picture.wholeFrameShare;
          const roomBreak = sd !== undefined && sd.roomTone && sd.levelJumpDb >= config.cutLevelJumpDb;
          const area = `${Math.round(change.changedShare * 100)} % of the frame`;
          const soundSays = !sd
            ? 'no sound to compare'
            : sd.roomTone
              ? `room noise floor ${roomBreak ? 'jumps' : 'moves'} ${sd.levelJumpDb} dB`
              : `the sound around it is noise-gated (${Math.round(sd.zeroShareBefore * 100)} % / ${Math.round(sd.zeroShareAfter * 100)} % digital zero before / after), so its level says nothing about the room`;
          const detail = {
            pictureDiff: change.diff,
            contextDiff: change.contextDiff,
            structure: change.structure,
            changedShare: change.changedShare,
            ...(sd ? { clickRatio: sd.clickRatio, levelJumpDb: sd.levelJumpDb, roomTone: sd.roomTone, zeroShareBefore: sd.zeroShareBefore, zeroShareAfter: sd.zeroShareAfter } : {}),
          };
          if (whole && roomBreak) {
            // Picture + room tone: two independent signals.
            defects.push({
              type: 'cut',
              at: change.at,
              reason: `the whole picture changes at once (difference ${change.diff} vs ${change.contextDiff} around it, ${area}) and the room sound changes with it (${soundSays}): a splice`,
              source: 'picture',
              detail,
            });
          } else if (whole && change.structure >= config.relitStructure && !roomBreak) {
            notes.push({ at: change.at, text: `the whole picture changes brightness at once (difference ${change.diff}, structure ${change.structure}) with ${soundSays}: the same scene lit differently, not a cut` });
          } else if (whole || roomBreak) {
            // One signal (a whole-frame change, or a room-tone break under a change of part of the frame).
            flags.push({
              type: 'suspected_splice',
              from: change.at,
              reason: whole
                ? `the whole picture changes at once (difference ${change.diff}, ${area}) but nothing else agrees (${soundSays}, timestamps continuous): a splice or a screen share — check the recorder clock and the scene`
                : `part of the picture changes at once (${area}) and the room noise floor jumps ${sd?.levelJumpDb} dB: a card or tile over the picture, or a splice — look`,
              detail,
            });
          } else {
            notes.push({ at: change.at, text: `part of the picture changes at once (difference ${change.diff}, ${area}; ${soundSays}): a card, tile or shared screen over the picture, not a splice` });
          }
        }
      }
      if (soundFindings) {
        measurements.audioMeanDb = soundFindings.meanDb;
        measurements.audioPeakDb = soundFindings.peakDb;
        if (soundFindings.noiseFloorDb !== null) measurements.noiseFloorDb = soundFindings.noiseFloorDb;
        measurements.silenceThresholdDb = soundFindings.silenceThresholdDb;
        if (soundFindings.gate) {
          measurements.gateGaps = soundFindings.gate.runs;
          measurements.gateGapMedianS = soundFindings.gate.medianS;
        }
        for (const run of soundFindings.silence) {
          // The decoder fills a timestamp gap with silence; that gap is already a cut.
          if (gapSpans.some((g) => overlaps(g, run) && run.to - run.from <= g.to - g.from + 0.5)) continue;
          if (inDamage(damagedAudio, run)) {
            setAside('a dead sound channel', run);
            continue;
          }
          const how = run.digitalZero
            ? soundFindings.gate
              ? `digital zero far longer than this channel's noise-gate gaps (median ${soundFindings.gate.medianS} s)`
              : 'digital zero in a channel that carries room noise everywhere else'
            : `level ≤ ${run.levelDb} dBFS, far under the room's floor`;
          defects.push({ type: 'silence', from: run.from, to: run.to, reason: `the sound channel is dead for ${(run.to - run.from).toFixed(1)} s (${how})`, source: 'sound', detail: { levelDb: run.levelDb, digitalZero: run.digitalZero } });
        }
        for (const run of soundFindings.longGateSilences) {
          if (gapSpans.some((g) => overlaps(g, run)) || inDamage(damagedAudio, run)) continue;
          flags.push({
            type: 'long_silence',
            from: run.from,
            to: run.to,
            reason: `${(run.to - run.from).toFixed(1)} s of digital silence in a noise-gated channel (its gaps: median ${soundFindings.gate?.medianS} s): a long pause, or a microphone that stopped — listen around it`,
          });
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
        flags: flags.sort((a, b) => a.from - b.from),
        measurements,
      };
    },
  };
}
