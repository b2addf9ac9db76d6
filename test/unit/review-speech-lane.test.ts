// The review page's speech lane coloured by speaker (issue #22, item 5): the report's speaker turns
// (report/voice-turns.ts) drawn agent / customer / uncertain, the uncertain ones marked, a legend; a report
// without turns keeps the one-colour lane.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordingPage } from '../../review/pages';
import { speechLane } from '../../review/speech-lane';
import { voiceTurns } from '../../report/voice-turns';
import type { ReviewedReport } from '../../decisions/apply';
import type { InspectionRow } from '../../catalogue/types';
import { speechEvidence } from '../helpers/speech-evidence';

const turn = (from: number, to: number, speaker: 'agent' | 'customer' | 'uncertain', margin: number | null) => ({ from, to, region: 0, speaker, source: 'voice' as const, simAgent: null, simCustomer: null, margin, agentZ: null });
const speech = [
  { from: 60, to: 62, text: '以上内容您是否清楚' },
  { from: 62.5, to: 63.2, text: '清楚', speaker: 'customer' },
  { from: 64, to: 64.6, text: '好' },
];
const voices = voiceTurns(
  speechEvidence([], {
    speakers: { model: { name: 'speaker_ge2e', sha256: 'x' }, voices: 2, centroidSimilarity: 0.6, agentProfileSimilarity: null, turns: [turn(59.9, 62.1, 'agent', 0.31234), turn(62.4, 63.3, 'customer', -0.3), turn(63.9, 64.7, 'uncertain', 0.02)], seconds: { agent: 0, customer: 0, uncertain: 0 } },
  }),
);

function pageOf(report: Partial<ReviewedReport>): string {
  const full = { recording: { durationS: 100 }, faces: [], documents: [], defects: [], steps: [], revision: 1, verdict: 'PASS', summary: '', speech, ...report } as unknown as ReviewedReport;
  const row = { recordingId: 'FX-1', objectKey: 'a/b.mp4', firstVerdict: 'PASS', sha256: 'f'.repeat(64), rulebook: 'cn-national@1.6.0', recordedAt: '2026-03-18' } as unknown as InspectionRow;
  return recordingPage({ who: 'rev', row, report: full, revisions: [], decisions: [], audit: [], newDecisionId: () => 'd1' });
}

const lane = (html: string): string[] => [...html.matchAll(/<button class="seg (speech[^"]*)"[^>]*title="([^"]*)"/g)].map((m) => `${m[1]} | ${m[2]}`);

describe('the speech lane coloured by speaker', () => {
  it('keeps the report’s speaker turns, rounded, uncertain as uncertain', () => {
    assert.deepEqual(voices.map((v) => [v.speaker, v.source, v.margin]), [['agent', 'voice', 0.312], ['customer', 'voice', -0.3], ['uncertain', 'voice', 0.02]]);
    assert.deepEqual(voiceTurns(speechEvidence([], { speakers: { problem: 'no model' } })), []);
  });

  it('draws one segment per turn, agent / customer / uncertain, with the words said in it, and a legend', () => {
    const html = pageOf({ voices });
    assert.deepEqual(lane(html), [
      'speech agent | agent 业务员 (voice, margin 0.31) 59.9–62.1 s: 以上内容您是否清楚',
      'speech customer | customer 客户 (voice, margin -0.30) 62.4–63.3 s: 清楚',
      'speech uncertain | uncertain 未能区分 (voice, margin 0.02) 63.9–64.7 s: 好',
    ]);
    assert.match(html, /\.seg\.speech\.uncertain\{background:repeating-linear-gradient/);
    assert.match(html, /<div class="legend">speech 语音: .*agent 业务员.*customer 客户.*uncertain 未能区分<\/div>/);
  });

  it('without speaker turns, keeps one colour per utterance and no legend', () => {
    const html = pageOf({});
    assert.deepEqual(lane(html), ['speech | 以上内容您是否清楚', 'speech | customer 清楚', 'speech | 好']);
    assert.doesNotMatch(html, /class="legend">speech/);
    assert.equal(speechLane({ speech: [], voices: [] }).length, 0);
  });
});
