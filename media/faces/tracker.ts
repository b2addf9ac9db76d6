// Tracks faces across sampled frames: greedy association by overlap or nearby centre, so the same person
// keeps one id while they sway, and a face that vanishes for longer than `maxGapS` starts a new track.
import { iou } from '../../lib/geometry';
import { centre, type Box, type FaceSighting } from './types';

export interface Track {
  id: number;
  sightings: FaceSighting[];
}

interface TrackerConfig {
  /** A track not seen for this long is closed; a face appearing later starts a new one. */
  maxGapS: number;
  minIou: number;
  /** Or centres closer than this many face widths. */
  maxCentreShift: number;
  /**
   * Second chance for what is left unmatched: a face of similar size this many widths away (someone
   * walking across the frame moves several face widths between two samples).
   */
  maxWalkShift: number;
}

export const DEFAULT_TRACKER_CONFIG: TrackerConfig = { maxGapS: 1.5, minIou: 0.15, maxCentreShift: 0.8, maxWalkShift: 5 };

export class FaceTracker {
  private nextId = 1;
  private readonly open: Track[] = [];
  readonly closed: Track[] = [];

  constructor(private readonly config: TrackerConfig = DEFAULT_TRACKER_CONFIG) {}

  /** Assigns each sighting of one frame to a track; returns the track ids in sighting order. */
  push(t: number, sightings: FaceSighting[]): number[] {
    for (let i = this.open.length - 1; i >= 0; i--) {
      const last = this.open[i]!.sightings.at(-1)!;
      if (t - last.t > this.config.maxGapS) this.closed.push(...this.open.splice(i, 1));
    }
    const pairs: { track: number; sighting: number; score: number }[] = [];
    this.open.forEach((track, ti) => {
      const last = track.sightings.at(-1)!.box;
      sightings.forEach((s, si) => {
        const overlap = iou(last, s.box);
        const shift = distance(last, s.box) / Math.max(last.w, s.box.w, 1e-6);
        if (overlap >= this.config.minIou || shift <= this.config.maxCentreShift) pairs.push({ track: ti, sighting: si, score: overlap - shift * 0.1 });
      });
    });
    pairs.sort((a, b) => b.score - a.score);
    const ids: (number | undefined)[] = sightings.map(() => undefined);
    const usedTracks = new Set<number>();
    for (const p of pairs) {
      if (usedTracks.has(p.track) || ids[p.sighting] !== undefined) continue;
      usedTracks.add(p.track);
      const track = this.open[p.track]!;
      track.sightings.push(sightings[p.sighting]!);
      ids[p.sighting] = track.id;
    }
    // Second pass: leftovers of similar size, further apart (a person walking in or across).
    const walks: { track: number; sighting: number; shift: number }[] = [];
    this.open.forEach((track, ti) => {
      if (usedTracks.has(ti)) return;
      const last = track.sightings.at(-1)!.box;
      sightings.forEach((s, si) => {
        if (ids[si] !== undefined) return;
        const sizeRatio = s.box.h / Math.max(last.h, 1e-6);
        const shift = distance(last, s.box) / Math.max(last.w, s.box.w, 1e-6);
        if (sizeRatio > 0.7 && sizeRatio < 1.4 && shift <= this.config.maxWalkShift) walks.push({ track: ti, sighting: si, shift });
      });
    });
    walks.sort((a, b) => a.shift - b.shift);
    for (const w of walks) {
      if (usedTracks.has(w.track) || ids[w.sighting] !== undefined) continue;
      usedTracks.add(w.track);
      const track = this.open[w.track]!;
      track.sightings.push(sightings[w.sighting]!);
      ids[w.sighting] = track.id;
    }
    sightings.forEach((s, si) => {
      if (ids[si] !== undefined) return;
      const track: Track = { id: this.nextId++, sightings: [s] };
      this.open.push(track);
      ids[si] = track.id;
    });
    return ids as number[];
  }

  /** All tracks, closed and still open, by id. */
  tracks(): Track[] {
    return [...this.closed, ...this.open].sort((a, b) => a.id - b.id);
  }
}

function distance(a: Box, b: Box): number {
  const ca = centre(a);
  const cb = centre(b);
  return Math.hypot(ca.x - cb.x, ca.y - cb.y);
}
