// Hand-made speech evidence for the speech checks and the report's speech timeline.
import type { SpeechEvidence } from '../../evidence/types';
import { ruleSchema, type Rule } from '../../rules/schema';

/** A transcript whose characters are spread evenly over each segment, as words. */
export function segmentsOf(lines: [number, number, string][]): SpeechEvidence['segments'] {
  return lines.map(([from, to, text]) => {
    const chars = [...text];
    const step = (to - from) / chars.length;
    return { from, to, text, avgLogProb: -0.2, noSpeechProb: 0.05, words: chars.map((c, i) => ({ from: from + i * step, to: from + (i + 1) * step, text: c, p: 0.9 })) };
  });
}

export function speechEvidence(lines: [number, number, string][], extra: Partial<SpeechEvidence> = {}): SpeechEvidence {
  const segments = segmentsOf(lines);
  return {
    kind: 'speech',
    schemaVersion: 1,
    recordingId: 'r',
    analyser: { name: 'speech', version: 't' },
    createdAt: '2026-11-27T00:00:00Z',
    engine: 'test',
    model: { name: 'm', version: '1', sha256: 'x' },
    audio: true,
    durationS: 100,
    vad: segments.map((s) => ({ from: s.from - 0.1, to: s.to + 0.1 })),
    speechS: segments.reduce((t, s) => t + s.to - s.from, 0),
    segments,
    dropped: [],
    quality: { status: 'ok', meanLogProb: -0.2, transcribedShare: 1 },
    values: {},
    verification: [],
    timing: { decodeMs: 0, asrMs: 0, verifyMs: 0 },
    ...extra,
  };
}

export const rule = <K extends Rule['check']>(r: Record<string, unknown> & { check: K }): Extract<Rule, { check: K }> =>
  ruleSchema.parse({ id: 'T-RULE', says: 'test', ...r }) as Extract<Rule, { check: K }>;
