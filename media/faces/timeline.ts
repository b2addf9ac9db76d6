// From face tracks to what a reviewer asks: who is in frame when, how many faces over time (the labelled
// `faces` timeline), when a party left the frame (离框), and the share of time both parties are visible
// together (同框). Frames too dark to see a face are set aside as "cannot judge", never counted as absence.
import type { FaceSpan } from '../../lib/labelled';
import { round, upperMedian } from '../../lib/numbers';
import type { Run } from '../integrity/runs';
import type { Track } from './tracker';
import { centre, type FrameSummary } from './types';

export interface TimelineConfig {
  /** Tracks seen fewer times are flickers, not people. */
  minSightings: number;
  /**
   * A track is a face only if one sighting scores at least this; its weaker sightings (a face turning or
   * entering the frame) then count too. Detections are requested down to a lower score for that.
   */
  confirmScore: number;
  /** A person unseen for up to this long between two sightings is taken as present throughout. */
  fillGapS: number;
  /** A person present in at least this share of the usable frames is a party (agent or customer). */
  partyMinShare: number;
  /** Tracks at most this far apart (frame widths) and never at the same time are one person. */
  samePersonMaxShift: number;
  /** Frames darker than this mean luma (0–255) cannot show a recognisable face. */
  darkLuma: number;
  /** Absences shorter than this are not reported (the rulebook sets what fails). */
  minAbsenceS: number;
}

export const DEFAULT_TIMELINE_CONFIG: TimelineConfig = {
  minSightings: 2,
  confirmScore: 0.8,
  fillGapS: 1.0,
  partyMinShare: 0.25,
  samePersonMaxShift: 0.12,
  darkLuma: 40,
  minAbsenceS: 1,
};

export interface Person {
  id: number;
  trackIds: number[];
  from: number;
  to: number;
  /** Seconds present (after gap filling). */
  presentS: number;
  share: number;
  seat: { x: number; y: number };
  party: boolean;
  medianHeightPx: number;
}

export interface Absence extends Run {
  personId: number;
}

export interface FaceTimeline {
  persons: Person[];
  parties: number;
  faces: FaceSpan[];
  absences: Absence[];
  unusable: (Run & { reason: string })[];
  coframing: { ratio: number | null; framesTogether: number; framesJudged: number };
  maxCount: number;
}

interface TimelineInput {
  tracks: Track[];
  frames: FrameSummary[];
  fps: number;
  durationS: number;
  /** Spans where the picture is known to be missing (black runs, cuts): neither presence nor absence. */
  excluded?: Run[];
}

export function buildFaceTimeline(input: TimelineInput, config: TimelineConfig = DEFAULT_TIMELINE_CONFIG): FaceTimeline {
  const { frames, fps } = input;
  const n = frames.length;
  const step = 1 / fps;
  const frameIndex = (t: number): number => Math.max(0, Math.min(n - 1, Math.round(t * fps)));
  const excludedFrame = frames.map((f) => (input.excluded ?? []).some((r) => f.t >= r.from && f.t < r.to));
  const darkFrame = frames.map((f, i) => !excludedFrame[i] && (f.meanLuma < config.darkLuma || (f.darkFaces ?? 0) > 0));
  const visibleCount = excludedFrame.filter((e) => !e).length;

  // Tracks → persons: a track continues a person whose seat is close and who was not on screen at the time.
  const tracks = input.tracks.filter((t) => t.sightings.length >= config.minSightings && t.sightings.some((s) => s.score >= config.confirmScore)).sort((a, b) => a.sightings[0]!.t - b.sightings[0]!.t);
  const groups: { tracks: Track[]; seat: { x: number; y: number } }[] = [];
  for (const track of tracks) {
    const seat = { x: upperMedian(track.sightings.map((s) => centre(s.box).x)), y: upperMedian(track.sightings.map((s) => centre(s.box).y)) };
    const start = track.sightings[0]!.t;
    const group = groups.find(
      (g) => Math.hypot(g.seat.x - seat.x, g.seat.y - seat.y) <= config.samePersonMaxShift && g.tracks.every((t) => t.sightings.at(-1)!.t < start),
    );
    if (group) group.tracks.push(track);
    else groups.push({ tracks: [track], seat });
  }

  const presence = groups.map((g) => {
    const seen = new Uint8Array(n);
    for (const t of g.tracks) for (const s of t.sightings) seen[frameIndex(s.t)] = 1;
    // Fill short gaps between sightings: a missed detection is not a person leaving.
    const fill = Math.round(config.fillGapS * fps);
    let last = -Infinity;
    for (let i = 0; i < n; i++) {
      if (!seen[i]) continue;
      if (i - last > 1 && i - last - 1 <= fill) for (let j = last + 1; j < i; j++) seen[j] = 1;
      last = i;
    }
    return seen;
  });

  const persons: Person[] = groups.map((g, gi) => {
    const seen = presence[gi]!;
    let present = 0;
    for (let i = 0; i < n; i++) if (seen[i] && !excludedFrame[i]) present++;
    const all = g.tracks.flatMap((t) => t.sightings);
    const share = visibleCount ? present / visibleCount : 0;
    return {
      id: gi + 1,
      trackIds: g.tracks.map((t) => t.id),
      from: round(Math.min(...all.map((s) => s.t))),
      to: round(Math.max(...all.map((s) => s.t)) + step),
      presentS: round(present * step, 1),
      share: round(share, 3),
      seat: { x: round(g.seat.x, 3), y: round(g.seat.y, 3) },
      party: share >= config.partyMinShare,
      medianHeightPx: Math.round(upperMedian(all.map((s) => s.heightPx))),
    };
  });
  const partyIdx = persons.map((p, i) => (p.party ? i : -1)).filter((i) => i >= 0);
  // A dark frame is unusable only when it hides a party: faces found in the dark were still seen.
  const usable = frames.map((_, i) => !excludedFrame[i] && (!darkFrame[i] || (partyIdx.length > 0 && partyIdx.every((pi) => presence[pi]![i]))));
  const usableCount = usable.filter(Boolean).length;

  // Count per frame, then a 3-frame majority so one missed or spurious frame does not split a span.
  // The count is what the frames show, excluded spans included: black frames show nobody, and across a
  // timestamp gap the decoder repeats the last picture, which shows who was there.
  const raw = frames.map((_, i) => presence.reduce((c, seen) => c + (seen[i] ? 1 : 0), 0));
  const counts = raw.map((c, i) => {
    const window = [raw[i - 1], c, raw[i + 1]].filter((v): v is number => v !== undefined);
    return upperMedian(window);
  });
  const faces: FaceSpan[] = [];
  for (let i = 0; i < n; i++) {
    const from = round(i * step);
    const last = faces.at(-1);
    if (last && last.count === counts[i]) last.to = round(Math.min(input.durationS, from + step));
    else faces.push({ from, to: round(Math.min(input.durationS, from + step)), count: counts[i]! });
  }
  if (faces.length && input.durationS > faces.at(-1)!.to) faces.at(-1)!.to = round(input.durationS);

  // Absences of parties, only over frames where a face could have been seen.
  const absences: Absence[] = [];
  for (const pi of partyIdx) {
    const seen = presence[pi]!;
    let start: number | null = null;
    const close = (end: number): void => {
      if (start !== null && (end - start) * step >= config.minAbsenceS) absences.push({ personId: persons[pi]!.id, from: round(start * step), to: round(end * step) });
      start = null;
    };
    for (let i = 0; i < n; i++) {
      if (!usable[i]) {
        close(i);
        continue;
      }
      if (!seen[i] && start === null) start = i;
      if (seen[i]) close(i);
    }
    close(n);
  }

  const unusable: (Run & { reason: string })[] = [];
  for (let i = 0; i < n; i++) {
    if (usable[i] || excludedFrame[i]) continue;
    const last = unusable.at(-1);
    if (last && Math.abs(last.to - round(i * step)) < 1e-6) last.to = round((i + 1) * step);
    else unusable.push({ from: round(i * step), to: round((i + 1) * step), reason: `too dark to recognise a face (mean luma < ${config.darkLuma})` });
  }

  let together = 0;
  for (let i = 0; i < n; i++) {
    if (!usable[i]) continue;
    const present = partyIdx.filter((pi) => presence[pi]![i]).length;
    if (present >= 2) together++;
  }
  return {
    persons,
    parties: partyIdx.length,
    faces,
    absences: absences.sort((a, b) => a.from - b.from),
    unusable,
    coframing: { ratio: usableCount ? round(together / usableCount, 4) : null, framesTogether: together, framesJudged: usableCount },
    maxCount: Math.max(0, ...counts),
  };
}
