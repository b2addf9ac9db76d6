// The report's speech timeline: Whisper segments cut at turns (voice-activity pauses), each utterance
// tagged with the step whose rule heard it, the customer's replies attributed by turn order; and
// advisory statements, which tag a step without ever failing it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitAtTurns } from '../../speech/utterances';
import { speechTimeline } from '../../report/speech-timeline';
import { checkStatementSaid } from '../../judge/checks/speech';
import type { Judgement } from '../../judge/types';
import { rule, segmentsOf, speechEvidence } from '../helpers/speech-evidence';

/** A judgement holding only the evidence items the timeline reads. */
function judgementWith(items: { step: string; kind: string; from: number; to: number; answered?: boolean }[]): Judgement {
  const steps = [...new Set(items.map((i) => i.step))].map((id) => ({
    id,
    title: id,
    verdict: 'PASS',
    reasons: [],
    evidence: [],
    rules: [{ ruleId: `R-${id}`, verdict: 'PASS', reason: '', evidence: items.filter((i) => i.step === id).map(({ step: _step, ...item }) => ({ ...item, text: '' })) }],
  }));
  return { steps } as unknown as Judgement;
}

describe('utterances cut at turns', () => {
  it('splits one Whisper segment holding a line and the reply after a pause', () => {
    const segments = segmentsOf([[70, 76, '请您在投保单上亲笔签名好的我来签名']]);
    // Voice activity: the agent 70–73.7, a 0.4 s pause, the customer 74.1–76.
    const out = splitAtTurns(segments, [{ from: 70, to: 73.7 }, { from: 74.1, to: 76 }]);
    assert.deepEqual(out.map((u) => u.text), ['请您在投保单上亲笔签名', '好的我来签名']);
    assert.ok(out[1]!.from >= 73.9, `the reply starts near its voice activity, not at ${out[1]!.from}`);
  });

  it('puts a loosely timed first word into the turn where it ends', () => {
    const segments = [{ from: 66.78, to: 69.9, text: '退保损失', avgLogProb: -0.2, noSpeechProb: 0.05, words: [
      { from: 66.78, to: 67.36, text: '退', p: 0.9 }, { from: 67.5, to: 67.7, text: '保', p: 0.9 }, { from: 67.7, to: 67.9, text: '损', p: 0.9 }, { from: 67.9, to: 68.1, text: '失', p: 0.9 },
    ] }];
    const out = splitAtTurns(segments, [{ from: 66.1, to: 67.08 }, { from: 67.25, to: 70.1 }]);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.text, '退保损失');
    assert.ok(out[0]!.from >= 67.05, `${out[0]!.from}`);
  });

  it('keeps a segment without word times whole', () => {
    const out = splitAtTurns([{ from: 1, to: 3, text: '您好', avgLogProb: -0.2, noSpeechProb: 0.1, words: [] }], [{ from: 0.9, to: 3.1 }]);
    assert.deepEqual(out.map((u) => [u.from, u.to, u.text]), [[1, 3, '您好']]);
  });
});

describe('speech timeline', () => {
  const speech = speechEvidence([[64, 65.6, '以上内容您是否清楚'], [66.2, 66.8, '清楚'], [70, 76, '请您在投保单上亲笔签名好的我来签名']], {
    vad: [{ from: 63.9, to: 65.7 }, { from: 66.1, to: 66.9 }, { from: 69.9, to: 73.7 }, { from: 74.1, to: 76.1 }],
  });

  it('tags each turn with its step and the reply with the customer', () => {
    const judgement = judgementWith([
      { step: 'clear_answer', kind: 'speech:question', from: 64, to: 65.6 },
      { step: 'clear_answer', kind: 'speech:reply', from: 66.1, to: 66.9, answered: true },
      { step: 'signing', kind: 'speech:statement', from: 72.2, to: 73.6 },
      { step: 'signing', kind: 'speech:reply', from: 74.1, to: 76.1, answered: true },
    ]);
    const out = speechTimeline(speech, judgement);
    assert.deepEqual(out.map((s) => [s.text, s.step, s.speaker ?? 'agent']), [
      ['以上内容您是否清楚', 'clear_answer', 'agent'],
      ['清楚', 'clear_answer', 'customer'],
      ['请您在投保单上亲笔签名', 'signing', 'agent'],
      ['好的我来签名', 'signing', 'customer'],
    ]);
  });

  it('gives a reply that does not answer (嗯, 不清楚) to the customer but not to the step', () => {
    const judgement = judgementWith([
      { step: 'clear_answer', kind: 'speech:question', from: 64, to: 65.6 },
      { step: 'clear_answer', kind: 'speech:reply', from: 66.1, to: 66.9, answered: false },
    ]);
    const reply = speechTimeline(speech, judgement)[1]!;
    assert.equal(reply.speaker, 'customer');
    assert.equal(reply.step, undefined);
  });

  it('does not call a question the customer’s reply when the agent went on without one', () => {
    // The disclosure "reply" region is really the agent's next question.
    const judgement = judgementWith([
      { step: 'disclosure', kind: 'speech:reply', from: 63.9, to: 65.7 },
      { step: 'clear_answer', kind: 'speech:question', from: 64, to: 65.6 },
    ]);
    const first = speechTimeline(speech, judgement)[0]!;
    assert.equal(first.step, 'clear_answer');
    assert.equal(first.speaker, undefined);
  });

  it('leaves an utterance no rule heard without a step', () => {
    const out = speechTimeline(speech, judgementWith([]));
    assert.ok(out.every((s) => s.step === undefined));
    assert.equal(out.length, 4);
  });
});

describe('advisory statements', () => {
  const prompted = rule({ check: 'statement_said', advisory: true, label: '提示阅读', phrases: ['投保提示书', '请您仔细阅读'] });

  it('PASS with the evidence when heard', () => {
    const out = checkStatementSaid(prompted, { speech: speechEvidence([[20, 24, '这是投宝提示书和宝险条款，请您仔细阅读']]) });
    assert.equal(out.verdict, 'PASS', out.reason);
    assert.equal(out.evidence[0]?.kind, 'speech:statement');
  });

  it('fail nothing when not heard or when there is no audio', () => {
    const unheard = checkStatementSaid(prompted, { speech: speechEvidence([[20, 24, '保险责任包括生存年金']]) });
    assert.equal(unheard.applies, false);
    const silent = checkStatementSaid(prompted, { speech: { ...speechEvidence([]), audio: false } });
    assert.equal(silent.applies, false);
    assert.notEqual(silent.verdict, 'FAIL');
  });
});
