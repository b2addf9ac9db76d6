// The policy's numbers the agent must say (犹豫期 days, premium, payment years: the sidecar's `policy`),
// found as a number with its unit next to a key term and compared by value, so 十五天, 15天 and 十五日 are
// the same and 十天 is not. A differing number is not yet a fact: the audio is asked to choose between the
// record and what the recogniser wrote (forced alignment of both texts at the same place).
import { readInteger } from '../speech/normalize';
import type { PolicyNumber } from '../lib/labelled';
import { numbersNearTerms, type PolicyNumberSpec } from '../speech/numbers';
import type { Syllable } from '../speech/syllables';
import type { SpeechEvidence } from './types';


export type PolicyValueChecked = NonNullable<SpeechEvidence['values'][PolicyNumber]>;

export interface PolicyNumberFinding {
  checked: PolicyValueChecked;
  /** The two texts for the audio to choose between (only when a different number was heard). */
  verify?: { from: number; record: string; heard: string };
}

/** How the record's number is said (8600 → 八千六百); only whole numbers are policy figures here. */
function spokenAmount(value: number): string | null {
  return Number.isInteger(value) && value >= 0 && value < 1e8 ? readInteger(value) : null;
}

/**
 * The record's number said next to a term (exact), another number said there (differs: the verification
 * texts are returned), or no number with the unit near any term (absent: the statement check covers it).
 */
export function checkPolicyNumber(stream: Syllable[], spec: PolicyNumberSpec, record: number): PolicyNumberFinding {
  const said = numbersNearTerms(stream, spec);
  const same = said.find((n) => n.value === record);
  if (same) return { checked: { expected: 'exact', from: same.from, to: same.to, heardValue: same.value } };
  const nearest = said[0];
  const spoken = spokenAmount(record);
  if (!nearest || !spoken) return { checked: { expected: 'absent', cueHeard: false } };
  const chars = (from: number, end: number): string => stream.slice(from, end).map((s) => s.char).join('');
  const heard = chars(nearest.start, nearest.end);
  const withRecord = `${chars(nearest.start, nearest.numberStart)}${spoken}${chars(nearest.numberEnd, nearest.end)}`;
  return {
    checked: { expected: 'near', from: nearest.from, to: nearest.to, cueHeard: true, heardValue: nearest.value },
    verify: { from: Math.max(0, nearest.from - 0.1), record: withRecord, heard },
  };
}
