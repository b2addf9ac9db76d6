// The face pass: a tap on the shared decode (RGB frames at a few per second), the detector on each frame,
// the tracker, and at the end the timeline. Keeps a few frames in memory for evidence thumbnails (the
// moment a party leaves, the fullest frame), never the whole video.
import { unitCosine } from '../../lib/geometry';
import { addStage } from '../../lib/profile';
import { round } from '../../lib/numbers';
import type { VideoFrame, VideoTap } from '../decode';
import type { MediaFacts } from '../probe';
import type { Run } from '../integrity/runs';
import { buildFaceTimeline, DEFAULT_TIMELINE_CONFIG, type FaceTimeline, type TimelineConfig } from './timeline';
import { DEFAULT_TRACKER_CONFIG, FaceTracker, type Track } from './tracker';
import type { FaceDetectorLike, FaceEmbedderLike, FaceSighting, FrameSummary } from './types';

export interface FacePassConfig {
  fps: number;
  /** Faces smaller than this (pixels of the original video) are not embedded: too small to recognise. */
  minEmbedPx: number;
  /**
   * An extra face (more than two in frame) is compared with the parties down to this size: deciding
   * "a picture of someone present" needs less than recognising a stranger.
   */
  minDuplicatePx: number;
  /** Seconds between embeddings of one track, and how many per track at most. */
  embedEveryS: number;
  maxEmbeddingsPerTrack: number;
  /** Cosine similarity at or above which two faces are one identity (a party and a photo of them). */
  sameIdentity: number;
  /** A face whose own mean luma (0–255) is below this is too dark to recognise: not counted, and the frame cannot be judged. */
  darkFaceLuma: number;
  /** Width of the frames given to the detector (height follows the aspect ratio). */
  width: number;
  timeline: TimelineConfig;
}

export const DEFAULT_FACE_PASS_CONFIG: FacePassConfig = {
  fps: 2,
  minEmbedPx: 40,
  minDuplicatePx: 24,
  embedEveryS: 5,
  maxEmbeddingsPerTrack: 12,
  sameIdentity: 0.5,
  darkFaceLuma: 45,
  width: 640,
  timeline: DEFAULT_TIMELINE_CONFIG,
};

export interface Snapshot {
  t: number;
  width: number;
  height: number;
  rgb: Buffer;
  why: string;
}

interface DocumentPhoto {
  from: number;
  to: number;
  /** The party whose face the picture shows, and how alike they are. */
  ofPersonId: number;
  similarity: number;
  medianHeightPx: number;
}

interface FacePassResult {
  timeline: FaceTimeline;
  /** Faces that are pictures of a party present at the same time (an ID card photo): not people. */
  documentPhotos: DocumentPhoto[];
  /** Mean identity feature per person id (L2-normalised), for persons seen large enough. */
  personEmbeddings: Map<number, Float32Array>;
  tracks: Track[];
  frames: number;
  msPerFrame: number;
  snapshots: Snapshot[];
}

const MAX_PENDING_SNAPSHOTS = 40;

function meanLuma(rgb: Buffer): number {
  let sum = 0;
  let count = 0;
  // Every 7th pixel is plenty for a mean and keeps this negligible beside the detector.
  for (let i = 0; i + 2 < rgb.length; i += 21) {
    sum += 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
    count++;
  }
  return count ? sum / count : 0;
}

/** Mean luma of the middle of a face box (the face, not its background). */
function boxLuma(rgb: Buffer, width: number, height: number, f: { x: number; y: number; w: number; h: number }): number {
  const x0 = Math.max(0, Math.floor(f.x + f.w * 0.2));
  const x1 = Math.min(width, Math.ceil(f.x + f.w * 0.8));
  const y0 = Math.max(0, Math.floor(f.y + f.h * 0.2));
  const y1 = Math.min(height, Math.ceil(f.y + f.h * 0.8));
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y += 2) {
    for (let x = x0; x < x1; x += 2) {
      const i = (y * width + x) * 3;
      sum += 0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!;
      n++;
    }
  }
  return n ? sum / n : 0;
}

/**
 * `embedder` enables identity: every track is embedded once when large enough; more often when an
 * enrolled photo must be matched (`everyInterval`) or when more faces than two are in frame (a visitor,
 * or a photo of someone present: one person cannot be in two places at once).
 */
export function facePass(
  facts: MediaFacts,
  detector: FaceDetectorLike,
  config: FacePassConfig = DEFAULT_FACE_PASS_CONFIG,
  embedder?: FaceEmbedderLike,
  everyInterval = false,
) {
  const embeddings = new Map<number, { t: number; feature: Float32Array }[]>();
  const tracker = new FaceTracker(DEFAULT_TRACKER_CONFIG);
  const frames: FrameSummary[] = [];
  const pending: Snapshot[] = [];
  let fullest: Snapshot | null = null;
  let fullestCount = -1;
  let previousCount = 0;
  let detectMs = 0;
  const sourceHeight = facts.video ? (facts.video.rotation % 180 === 0 ? facts.video.height : facts.video.width) : 0;

  const onFrame = async (frame: VideoFrame): Promise<void> => {
    const started = performance.now();
    const detected = await detector.detect(frame.data, frame.width, frame.height);
    const found = detected.filter((f) => boxLuma(frame.data, frame.width, frame.height, f) >= config.darkFaceLuma);
    const ms = performance.now() - started;
    detectMs += ms;
    addStage('face detection', ms);
    const scaleToSource = sourceHeight / frame.height;
    const sightings: FaceSighting[] = found.map((f) => ({
      t: frame.t,
      box: { x: f.x / frame.width, y: f.y / frame.height, w: f.w / frame.width, h: f.h / frame.height },
      score: f.score,
      heightPx: f.h * scaleToSource,
    }));
    const trackIds = tracker.push(frame.t, sightings);
    if (embedder) {
      for (let i = 0; i < found.length; i++) {
        const id = trackIds[i]!;
        const list = embeddings.get(id) ?? [];
        const last = list.at(-1);
        const minPx = found.length > 2 ? config.minDuplicatePx : config.minEmbedPx;
        if (sightings[i]!.heightPx < minPx || list.length >= config.maxEmbeddingsPerTrack) continue;
        if (last && (frame.t - last.t < config.embedEveryS || !(everyInterval || found.length > 2))) continue;
        const embedStarted = performance.now();
        list.push({ t: frame.t, feature: await embedder.embed(frame.data, frame.width, frame.height, found[i]!) });
        addStage('face embedding', performance.now() - embedStarted);
        embeddings.set(id, list);
      }
    }
    frames.push({ t: frame.t, meanLuma: meanLuma(frame.data), trackIds, ...(detected.length > found.length ? { darkFaces: detected.length - found.length } : {}) });
    // Candidate thumbnails: someone just disappeared, or the most faces so far.
    if (found.length < previousCount && pending.length < MAX_PENDING_SNAPSHOTS) {
      pending.push({ t: frame.t, width: frame.width, height: frame.height, rgb: Buffer.from(frame.data), why: 'a face left the frame' });
    }
    if (found.length > fullestCount) {
      fullestCount = found.length;
      fullest = { t: frame.t, width: frame.width, height: frame.height, rgb: Buffer.from(frame.data), why: `${found.length} face(s) in frame` };
    }
    previousCount = found.length;
  };

  const tap: VideoTap = { name: 'faces', width: config.width, fps: config.fps, pixFmt: 'rgb24', onFrame };

  return {
    videoTaps: [tap],
    finish(durationS: number, excluded: Run[]): FacePassResult {
      let tracks = tracker.tracks();
      let timeline = buildFaceTimeline({ tracks, frames, fps: config.fps, durationS, excluded }, config.timeline);
      const featureOf = (trackIds: number[]) => meanFeature(trackIds.flatMap((id) => embeddings.get(id) ?? []).map((e) => e.feature));
      const documentPhotos: DocumentPhoto[] = [];
      const photoTracks = new Set<number>();
      for (const person of timeline.persons.filter((p) => !p.party)) {
        const feature = featureOf(person.trackIds);
        if (!feature) continue;
        for (const party of timeline.persons.filter((p) => p.party && p.medianHeightPx > person.medianHeightPx)) {
          const partyFeature = featureOf(party.trackIds);
          const overlapping = party.from < person.to && person.from < party.to;
          const similarity = partyFeature ? unitCosine(feature, partyFeature) : -1;
          if (overlapping && similarity >= config.sameIdentity) {
            documentPhotos.push({ from: person.from, to: person.to, ofPersonId: party.id, similarity: round(similarity, 3), medianHeightPx: person.medianHeightPx });
            for (const id of person.trackIds) photoTracks.add(id);
            break;
          }
        }
      }
      if (photoTracks.size > 0) {
        // Rebuild without the pictures: counts and co-framing are about people.
        tracks = tracks.filter((t) => !photoTracks.has(t.id));
        const kept = frames.map((f) => ({ ...f, trackIds: f.trackIds.filter((id) => !photoTracks.has(id)) }));
        timeline = buildFaceTimeline({ tracks, frames: kept, fps: config.fps, durationS, excluded }, config.timeline);
      }
      // Keep the snapshot nearest to each reported absence start, plus the fullest frame.
      const snapshots: Snapshot[] = [];
      for (const a of timeline.absences) {
        const best = pending.filter((s) => Math.abs(s.t - a.from) <= 1).sort((x, y) => Math.abs(x.t - a.from) - Math.abs(y.t - a.from))[0];
        if (best && !snapshots.includes(best)) snapshots.push({ ...best, why: `party ${a.personId} leaves the frame at ${round(a.from, 1)} s` });
      }
      if (fullest) snapshots.push(fullest);
      const personEmbeddings = new Map<number, Float32Array>();
      for (const person of timeline.persons) {
        const features = person.trackIds.flatMap((id) => embeddings.get(id) ?? []).map((e) => e.feature);
        const mean = meanFeature(features);
        if (mean) personEmbeddings.set(person.id, mean);
      }
      return { timeline, documentPhotos, personEmbeddings, tracks, frames: frames.length, msPerFrame: frames.length ? round(detectMs / frames.length, 1) : 0, snapshots };
    },
  };
}

/** The normalised mean of unit vectors: a person's identity feature over their sightings. */
function meanFeature(features: Float32Array[]): Float32Array | null {
  const first = features[0];
  if (!first) return null;
  const mean = new Float32Array(first.length);
  for (const f of features) for (let i = 0; i < f.length; i++) mean[i]! += f[i]!;
  let norm = 0;
  for (let i = 0; i < mean.length; i++) norm += mean[i]! * mean[i]!;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < mean.length; i++) mean[i]! /= norm;
  return mean;
}

/** Re-exported for media/analyse-file.ts, which imports it from here. */
export { unitCosine as cosine };
