// Who speaks when, for the report's reader: the speaker turns of the speech evidence (speech/speaker/turns.ts:
// by voice, confirmed by an enrolled profile, or by each party's microphone) as a compact list. Uncertain
// turns stay uncertain: the page marks them rather than guessing.
import type { SpeechEvidence } from '../evidence/types';
import { round } from '../lib/numbers';
import type { ReportVoiceTurn } from './types';

export function voiceTurns(speech: SpeechEvidence | undefined): ReportVoiceTurn[] {
  const speakers = speech?.speakers;
  if (!speakers || 'problem' in speakers) return [];
  return speakers.turns.map((t) => ({ from: round(t.from, 2), to: round(t.to, 2), speaker: t.speaker, source: t.source, margin: t.margin === null ? null : round(t.margin, 3) }));
}
