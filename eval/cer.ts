// Character error rate of a report's transcript (its `speech` timeline) against the labelled speech.
// Both sides are normalised the same way: simplified characters, numbers as spoken (15 → 十五, a licence
// number digit by digit), punctuation and spaces stripped. Masked digit runs count as they are: a report
// never holds an 8+ digit number in clear, so its `*` stand against the labelled digits and count as
// substitutions — the CER of a recording with a spoken licence number cannot reach 0.
import { editDistance } from '../media/documents/fields';
import { speakNumbers, toSimplified } from '../speech/normalize';
import type { SpeechSpan } from '../lib/labelled';
import { round } from '../lib/numbers';

/** The characters CER compares: Han, Latin letters and the mask `*`. */
export function cerText(text: string): string {
  return speakNumbers(toSimplified(text.normalize('NFKC'))).replace(/[^\p{Script=Han}A-Za-z*]/gu, '');
}

/** A timeline's text in time order, normalised. */
export function timelineText(spans: Pick<SpeechSpan, 'from' | 'text'>[]): string {
  return cerText([...spans].sort((a, b) => a.from - b.from).map((s) => s.text).join(''));
}

export interface CerFigure {
  /** Edits (substitutions + insertions + deletions) to turn the reference into the hypothesis. */
  edits: number;
  /** Characters of the normalised reference. */
  referenceChars: number;
  /** edits / referenceChars; null without reference text. Can exceed 1 when the transcript adds much. */
  cer: number | null;
}

export function characterErrorRate(reference: string, hypothesis: string): CerFigure {
  const edits = editDistance(reference, hypothesis);
  return { edits, referenceChars: [...reference].length, cer: reference ? round(edits / [...reference].length, 4) : null };
}

/** Several cases pooled: total edits over total reference characters. */
export function pooledCer(figures: CerFigure[]): CerFigure {
  const edits = figures.reduce((a, f) => a + f.edits, 0);
  const referenceChars = figures.reduce((a, f) => a + f.referenceChars, 0);
  return { edits, referenceChars, cer: referenceChars ? round(edits / referenceChars, 4) : null };
}
