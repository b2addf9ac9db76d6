// Whisper cuts segments by its own decoding windows, not by turns: one segment can hold the agent's line
// and the customer's short reply after it. The report's speech timeline is cut at voice-activity pauses
// instead, the same turns the judge uses to find replies, so each utterance can carry its own step and
// speaker.
import { round } from '../lib/numbers';
import type { Span } from './span';
import type { TranscriptSegment } from './transcript';

export interface Utterance {
  from: number;
  to: number;
  text: string;
  /** The voice-activity region the utterance was heard in (null when voice activity found none near it). */
  region: Span | null;
}

/**
 * The region a word belongs to: the one holding its end. Whisper times a segment's first word loosely (it
 * often starts in the pause before) but its end well; words outside every region go to the nearest one.
 */
function regionOf(vad: Span[], from: number, to: number): number {
  const end = to - 0.02;
  const holding = vad.findIndex((r) => r.from <= end && end <= r.to);
  if (holding >= 0) return holding;
  let best = -1;
  let bestGap = Infinity;
  for (const [i, r] of vad.entries()) {
    const gap = Math.max(r.from - to, from - r.to, 0);
    if (gap < bestGap) {
      best = i;
      bestGap = gap;
    }
  }
  return bestGap <= 1 ? best : -1;
}

/** The transcript cut into utterances, one per voice-activity region a segment's words fall into. */
export function splitAtTurns(segments: TranscriptSegment[], vad: Span[]): Utterance[] {
  const out: Utterance[] = [];
  for (const seg of segments) {
    if (!seg.words.length) {
      out.push({ from: seg.from, to: seg.to, text: seg.text, region: vad[regionOf(vad, seg.from, seg.to)] ?? null });
      continue;
    }
    let current: { region: number; words: TranscriptSegment['words'] } | null = null;
    const flush = (): void => {
      if (!current) return;
      const text = current.words.map((w) => w.text).join('').trim();
      const region = vad[current.region] ?? null;
      const first = current.words[0]!;
      const last = current.words[current.words.length - 1]!;
      // A loosely timed first word must not pull the utterance into the previous turn.
      const from = region ? Math.max(first.from, Math.min(region.from - 0.2, last.from)) : first.from;
      if (text) out.push({ from: round(from, 3), to: round(Math.max(last.to, from), 3), text, region });
      current = null;
    };
    for (const w of seg.words) {
      const region = regionOf(vad, w.from, w.to);
      if (current && region !== current.region) flush();
      current ??= { region, words: [] };
      current.words.push(w);
    }
    flush();
  }
  return out;
}
