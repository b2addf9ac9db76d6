// The customer's reply (judge/checks/speech-answers.ts), one case per verdict branch: the question heard
// or not, a reply in the window or none, read as affirmative, negation, filler or unclear, decided by the
// forced-alignment scores when nothing was transcribed; faces during the reply; poor audio never FAILs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCustomerAnswers } from '../../judge/checks/speech-answers';
import type { EvidenceSet } from '../../judge/types';
import type { SpeechEvidence } from '../../evidence/types';
import { facesEvidence, facts, integrity } from '../helpers/judge-evidence';
import { rule, speechEvidence } from '../helpers/speech-evidence';

const poor: SpeechEvidence['quality'] = { status: 'poor', reason: 'noisy', meanLogProb: -1.3, transcribedShare: 0.4 };
const QUESTION: [number, number, string] = [60, 62, '以上内容您是否清楚'];
const ask = rule({ check: 'customer_answers', says: '客户确认', label: '是否清楚', question: ['以上内容您是否清楚'] });

/** The question 60–62 s and a reply 62.6–63.1 s (voice activity 62.5–63.2 s). */
const replied = (text: string, extra: Partial<SpeechEvidence> = {}): SpeechEvidence => speechEvidence([QUESTION, [62.6, 63.1, text]], extra);
/** Voice activity after the question with nothing transcribed in it. */
const unheard = (verification: SpeechEvidence['verification'] = [], extra: Partial<SpeechEvidence> = {}): SpeechEvidence =>
  speechEvidence([QUESTION], { vad: [{ from: 59.9, to: 62.1 }, { from: 62.5, to: 63.2 }], verification, ...extra });

describe('customer_answers: the question', () => {
  it('FAILs a question not asked, citing the closest words', () => {
    const out = checkCustomerAnswers(ask, { speech: speechEvidence([[60, 62, '请您在投保单上签名']]) });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '客户确认: the question “是否清楚” was not heard (closest “请” at 60.0 s, read-rate 0.11)');
    assert.equal(checkCustomerAnswers(ask, { speech: speechEvidence([]) }).reason, '客户确认: the question “是否清楚” was not heard');
  });

  it('is CANNOT_JUDGE for a question only partly heard: too unsure to place the reply', () => {
    const out = checkCustomerAnswers(ask, { speech: speechEvidence([[60, 62, '以上内容您是']]) });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '客户确认: the question “是否清楚” was not heard (closest “以上内容您是” at 60.0 s, read-rate 0.67): too unsure to place the reply');
  });

  it('is CANNOT_JUDGE for a question not heard where speech went untranscribed (askings any/every) or the sound is damaged', () => {
    const every = rule({ check: 'customer_answers', says: '客户确认', label: '是否清楚', question: ['以上内容您是否清楚'], askings: 'every' });
    const hidden = checkCustomerAnswers(every, { speech: speechEvidence([[60, 62, '请您在投保单上签名']], { vad: [{ from: 59.9, to: 62.1 }, { from: 70, to: 76 }] }) });
    assert.equal(hidden.verdict, 'CANNOT_JUDGE');
    assert.match(hidden.reason, /6\.0 s of speech could not be transcribed \(70\.0–76\.0 s\): it may be there/);
    const broken = integrity([{ type: 'undecodable', from: 64, to: 69, reason: 'damaged', source: 'decoder', detail: { stream: 'audio' } }]);
    const damagedSound = checkCustomerAnswers(ask, { integrity: broken, speech: speechEvidence([[60, 62, '请您在投保单上签名']]) });
    assert.equal(damagedSound.verdict, 'CANNOT_JUDGE');
    assert.match(damagedSound.reason, /the sound 64\.0–69\.0 s could not be decoded \(damaged data\): it may have been asked there/);
  });

  it('is CANNOT_JUDGE for a question not heard on poor audio', () => {
    const out = checkCustomerAnswers(ask, { speech: speechEvidence([[60, 62, '请您在投保单上签名']], { quality: poor }) });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '客户确认: the question “是否清楚” was not heard (closest “请” at 60.0 s, read-rate 0.11), but the audio is too poor to be sure');
  });

  it('FAILs a recording without audio (poor quality or not), and is CANNOT_JUDGE without a speech analysis', () => {
    const mute = checkCustomerAnswers(ask, { integrity: integrity([], facts(true, false)), speech: replied('清楚') });
    assert.deepEqual([mute.verdict, mute.reason], ['FAIL', '客户确认: the recording has no audio']);
    const heardNothing = checkCustomerAnswers(ask, { speech: { ...replied('清楚', { quality: poor }), audio: false } });
    assert.deepEqual([heardNothing.verdict, heardNothing.reason], ['FAIL', '客户确认: the recording has no audio']);
    assert.deepEqual(
      [checkCustomerAnswers(ask, {}).verdict, checkCustomerAnswers(ask, { failures: { speech: 'engine down' } }).reason],
      ['CANNOT_JUDGE', '客户确认: the speech analysis failed (engine down)'],
    );
  });
});

describe('customer_answers: the reply', () => {
  it('PASSes an affirmative reply, marking it answered, with question and reply as evidence', () => {
    const out = checkCustomerAnswers(ask, { speech: replied('清楚') });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, 'affirmative reply “清楚” (清楚) 62.5–63.2 s to “以上内容您是否清楚”');
    assert.deepEqual(out.evidence, [
      { from: 60, to: 62, kind: 'speech:question', text: '以上内容您是否清楚' },
      { from: 62.5, to: 63.2, kind: 'speech:reply', text: '清楚', answered: true },
    ]);
  });

  it('FAILs no reply within the window after the question', () => {
    const out = checkCustomerAnswers(ask, { speech: speechEvidence([QUESTION, [75, 78, '请您在投保单上签名']]) });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '客户确认: no reply within 6 s after “以上内容您是否清楚” (60.0–62.0 s)');
    assert.deepEqual(out.evidence.map((e) => e.kind), ['speech:question']);
  });

  it('FAILs a negation', () => {
    const out = checkCustomerAnswers(ask, { speech: replied('不清楚') });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '客户确认: the reply “不清楚” is a negation (不清楚)');
    assert.equal(out.evidence[1]?.answered, undefined);
  });

  it('FAILs a bare filler', () => {
    const out = checkCustomerAnswers(ask, { speech: replied('嗯') });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '客户确认: the reply is only “嗯”, not a clear answer');
  });

  it('FAILs a filler with the next turn’s first word bled in (嗯弄 = 嗯 + 冷静期…), not a longer reply led by a filler', () => {
    const bled = checkCustomerAnswers(ask, { speech: replied('嗯弄') });
    assert.equal(bled.verdict, 'FAIL', bled.reason);
    assert.match(bled.reason, /the reply is only “嗯弄”, not a clear answer/);
    assert.doesNotMatch(checkCustomerAnswers(ask, { speech: replied('嗯下雨了') }).reason, /the reply is only/);
  });

  it('FAILs a reply whose audio fits a filler clearly better than any affirmative (嗯 0.046 against 对 0.022, written 那)', () => {
    const near = (text: string, score: number) => ({ text, from: 62.6, score });
    const out = checkCustomerAnswers(ask, { speech: replied('那', { verification: [near('嗯', 0.046), near('对', 0.022)] }) });
    assert.equal(out.verdict, 'FAIL', out.reason);
    assert.match(out.reason, /fits a negation or filler, not an affirmative \(score 0\.046 against 0\.022\)/);
    const weak = checkCustomerAnswers(ask, { speech: replied('那', { verification: [near('嗯', 0.02)] }) });
    assert.equal(weak.verdict, 'CANNOT_JUDGE', `below half the minimum score: ${weak.reason}`);
  });

  it('FAILs a short reply led by 不 (不对); an unrelated one is for a reviewer (a garble as likely as a wrong answer)', () => {
    const bu = checkCustomerAnswers(ask, { speech: replied('不对') });
    assert.equal(bu.verdict, 'FAIL');
    assert.equal(bu.reason, '客户确认: the reply “不对” is not an affirmative answer (led by 不)');
    const other = checkCustomerAnswers(ask, { speech: replied('下雨了') });
    assert.equal(other.verdict, 'CANNOT_JUDGE');
    assert.equal(other.reason, '客户确认: the reply “下雨了” 62.5–63.2 s is not recognisably an answer (not affirmative, not a refusal): to be listened to');
  });

  it('an unsure reply to a confirmation the regulation does not require judges nothing (unsureReply: not_applied); a refusal, a filler or silence still FAIL', () => {
    const confirm = rule({ check: 'customer_answers', says: '客户确认', label: '是否清楚', question: ['以上内容您是否清楚'], unsureReply: 'not_applied' });
    const unsure = checkCustomerAnswers(confirm, { speech: replied('下雨了') });
    assert.deepEqual([unsure.applies, unsure.verdict], [false, 'CANNOT_JUDGE']);
    assert.match(unsure.reason, /^not applied: .*not recognisably an answer.*an unsure reply judges nothing/);
    assert.equal(checkCustomerAnswers(confirm, { speech: replied('不对') }).verdict, 'FAIL');
    assert.equal(checkCustomerAnswers(confirm, { speech: replied('嗯') }).verdict, 'FAIL');
    assert.equal(checkCustomerAnswers(confirm, { speech: speechEvidence([QUESTION]) }).verdict, 'FAIL');
    assert.equal(checkCustomerAnswers(confirm, { speech: replied('好的') }).verdict, 'PASS');
  });

  it('takes the answer to a question the agent asked where the reply was expected: after its particle, or in the next turn', () => {
    const idAsk = rule({ check: 'customer_answers', says: '客户确认身份', label: '是否本人', question: ['身份证拿到镜头前'], affirmative: ['是的', '对', '是我'], negative: ['不是'] });
    const REQUEST: [number, number, string] = [20, 22, '麻烦您把身份证拿到镜头前'];
    // The agent goes on in one breath; the customer's 对 merged into the end of that turn.
    const merged = checkCustomerAnswers(idAsk, { speech: speechEvidence([REQUEST, [22.6, 25, '请问您是投保人本人吧对']]) });
    assert.equal(merged.verdict, 'PASS', merged.reason);
    assert.match(merged.reason, /affirmative reply “对”.*the agent’s own question, asked where the reply was expected/);
    // The customer answers in the next turn.
    const next = checkCustomerAnswers(idAsk, { speech: speechEvidence([REQUEST, [22.6, 25, '请问您是投保人本人吧'], [25.6, 26.4, '是的']]) });
    assert.equal(next.verdict, 'PASS', next.reason);
    const refused = checkCustomerAnswers(idAsk, { speech: speechEvidence([REQUEST, [22.6, 25, '请问您是投保人本人吧'], [25.6, 26.4, '不是']]) });
    assert.equal(refused.verdict, 'FAIL', refused.reason);
    // Nothing clear after it: still for a reviewer, never a FAIL from the re-placed reply.
    const unclear = checkCustomerAnswers(idAsk, { speech: speechEvidence([REQUEST, [22.6, 25, '请问您是投保人本人吧'], [25.6, 27, '下雨了']]) });
    assert.equal(unclear.verdict, 'CANNOT_JUDGE', unclear.reason);
    assert.match(unclear.reason, /请问您是投保人本人吧.*not recognisably an answer/);
  });

  it('a 好 at the end of the agent’s next long line is no answer (the customer said nothing; the agent went on)', () => {
    const goesOn = speechEvidence([QUESTION, [62.6, 66.8, '请您亲笔在投保单上签名并抄录风险提示语好']]);
    const out = checkCustomerAnswers(ask, { speech: goesOn });
    assert.equal(out.verdict, 'FAIL', out.reason);
    assert.match(out.reason, /no reply after “以上内容您是否清楚”: the next turn \(62\.5–66\.9 s\) is the agent going on/);
    const askingBack = checkCustomerAnswers(ask, { speech: speechEvidence([QUESTION, [62.6, 66.8, '请问这个退保的损失是怎么算的呢']]) });
    assert.notEqual(askingBack.verdict, 'FAIL', 'a customer asking back (请问…) is not the agent going on');
    assert.equal(checkCustomerAnswers(ask, { speech: replied('没有，都清楚') }).verdict, 'PASS', 'an answer within its first syllables');
  });

  it('reads an affirmative through a recogniser’s slip (喊得我惊出来 for 好的我清楚了), but not a refusal', () => {
    const clear = rule({ check: 'customer_answers', says: '客户确认', label: '是否清楚', question: ['以上内容您是否清楚'], affirmative: ['好的', '清楚', '我清楚了'], negative: ['不清楚'] });
    assert.equal(checkCustomerAnswers(clear, { speech: replied('喊得我惊出来') }).verdict, 'PASS');
    assert.equal(checkCustomerAnswers(clear, { speech: replied('不清楚') }).verdict, 'FAIL');
  });

  it('a garbled reply verified as affirmative against the audio PASSes (一线 for 行)', () => {
    const verified = speechEvidence([QUESTION, [62.6, 63.1, '一线']], { verification: [{ text: '可以', from: 62.4, score: 0.3 }, { text: '嗯', from: 62.4, score: 0.01 }] });
    const sign = rule({ check: 'customer_answers', says: '客户确认', label: '是否清楚', question: ['以上内容您是否清楚'], affirmative: ['可以', '行'], filler: ['嗯'] });
    assert.equal(checkCustomerAnswers(sign, { speech: verified }).verdict, 'PASS');
  });

  it('PASSes any reply where any will do', () => {
    const any = rule({ check: 'customer_answers', says: '客户回答', label: '年龄', question: ['以上内容您是否清楚'], accept: 'any' });
    const out = checkCustomerAnswers(any, { speech: replied('三十五岁') });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, 'replied “三十五岁” 62.5–63.2 s to “以上内容您是否清楚”');
    assert.equal(out.evidence[1]?.answered, true);
    assert.equal(checkCustomerAnswers(any, { speech: unheard() }).reason, 'replied “(speech)” 62.5–63.2 s to “以上内容您是否清楚”');
  });
});

describe('customer_answers: a reply not transcribed, decided by forced alignment', () => {
  it('PASSes a reply verified as affirmative, clearly above any negation or filler', () => {
    const out = checkCustomerAnswers(ask, { speech: unheard([{ text: '清楚', from: 62.5, score: 0.15 }, { text: '嗯', from: 62.5, score: 0.07 }]) });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, 'a reply at 62.5–63.2 s verified as affirmative against the audio (score 0.150)');
    assert.deepEqual(out.evidence[1], { from: 62.5, to: 63.2, kind: 'speech:reply', text: '(unintelligible)', answered: true });
  });

  it('FAILs a reply that fits a negation or filler (or is not clearly more affirmative than one)', () => {
    const out = checkCustomerAnswers(ask, { speech: unheard([{ text: '不清楚', from: 62.4, score: 0.2 }]) });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '客户确认: the reply at 62.5–63.2 s fits a negation or filler, not an affirmative (score 0.200)');
    const close = checkCustomerAnswers(ask, { speech: unheard([{ text: '清楚', from: 62.5, score: 0.15 }, { text: '嗯', from: 62.5, score: 0.08 }]) });
    assert.equal(close.verdict, 'FAIL');
    assert.match(close.reason, /fits a negation or filler, not an affirmative \(score 0\.080\)$/);
  });

  it('is CANNOT_JUDGE for a reply no score decides (too low, or too far from the reply)', () => {
    const out = checkCustomerAnswers(ask, { speech: unheard([{ text: '清楚', from: 62.5, score: 0.04 }, { text: '不清楚', from: 70, score: 0.3 }]) });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '客户确认: the reply at 62.5–63.2 s could not be understood');
    assert.deepEqual(out.evidence.map((e) => e.kind), ['speech:question', 'speech:reply']);
  });
});

describe('customer_answers: people in frame during the reply', () => {
  const seen = rule({ check: 'customer_answers', says: '双方同框确认', label: '是否清楚', question: ['以上内容您是否清楚'], faces: 2 });
  const any = rule({ check: 'customer_answers', says: '双方同框确认', label: '是否清楚', question: ['以上内容您是否清楚'], accept: 'any', faces: 2 });
  const one = facesEvidence({ faces: [{ from: 0, to: 100, count: 1 }] });
  const verified = unheard([{ text: '清楚', from: 62.5, score: 0.15 }]);

  it('PASSes with both in frame', () => {
    assert.equal(checkCustomerAnswers(seen, { speech: replied('清楚'), faces: facesEvidence({ faces: [{ from: 0, to: 100, count: 2 }] }) }).verdict, 'PASS');
  });

  it('FAILs an affirmative, any or verified reply given with fewer people in frame', () => {
    for (const [r, speech] of [[seen, replied('清楚')], [any, replied('三十五岁')], [seen, verified]] as const) {
      const out = checkCustomerAnswers(r, { speech, faces: one });
      assert.equal(out.verdict, 'FAIL');
      assert.equal(out.reason, '双方同框确认 (reply 62.5–63.2 s): fewer than 2 people in frame 62.5–63.2 s');
      assert.deepEqual(out.evidence.map((e) => e.kind), ['speech:question', 'speech:reply']);
    }
  });

  it('is CANNOT_JUDGE when the picture cannot show who is there', () => {
    const ev: EvidenceSet = { speech: replied('清楚'), faces: facesEvidence({ unusable: [{ from: 62, to: 64, reason: 'too dark' }] }) };
    const out = checkCustomerAnswers(seen, ev);
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '双方同框确认 (reply 62.5–63.2 s): the picture cannot show who is there 62.5–63.2 s');
  });
});

describe('customer_answers on poor audio', () => {
  it('turns a FAIL into CANNOT_JUDGE, keeping the reason and evidence', () => {
    const out = checkCustomerAnswers(ask, { speech: speechEvidence([QUESTION, [75, 78, '请您在投保单上签名']], { quality: poor }) });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '客户确认: no reply within 6 s after “以上内容您是否清楚” (60.0–62.0 s) — but the audio is too poor to be sure (noisy)');
    assert.deepEqual(out.evidence.map((e) => e.kind), ['speech:question']);
    const unnamed = checkCustomerAnswers(ask, { speech: replied('嗯', { quality: { ...poor, reason: undefined } }) });
    assert.match(unnamed.reason, / — but the audio is too poor to be sure \(poor\)$/);
  });

  it('leaves a PASS a PASS', () => {
    assert.equal(checkCustomerAnswers(ask, { speech: replied('清楚', { quality: poor }) }).verdict, 'PASS');
  });
});

describe('customer_answers: several askings (rulebook 1.5.0)', () => {
  const clear = rule({
    check: 'customer_answers',
    says: '客户明确答复',
    label: '是否清楚',
    question: ['您是否清楚', '清楚了吗', '您明白吗'],
    affirmative: ['清楚', '明白', '好的', '是的'],
    askings: 'every',
  });
  const identity = rule({ check: 'customer_answers', says: '确认本人', label: '是否本人', question: ['请出示您的身份证', '您是本人吗'], affirmative: ['是的', '本人', '这是我的身份证', '好的'], askings: 'any' });
  const dialog = (lines: [number, number, string][]): SpeechEvidence => speechEvidence(lines);

  it('reads 好地 as 好的 (one spoken particle written either way)', () => {
    const out = checkCustomerAnswers(clear, { speech: dialog([[60, 62, '您是否清楚'], [62.6, 63.1, '好地']]) });
    assert.equal(out.verdict, 'PASS', out.reason);
  });

  it('every: a bare 嗯 to one question FAILs even when another question is answered', () => {
    const out = checkCustomerAnswers(clear, { speech: dialog([[60, 62, '您是否清楚'], [62.6, 63.0, '嗯'], [66, 68, '退保损失您明白吗'], [68.6, 69.1, '明白']]) });
    assert.equal(out.verdict, 'FAIL');
    assert.match(out.reason, /only “嗯”/);
  });

  it('every: a re-ask of the same question after an unclear reply supersedes it', () => {
    const out = checkCustomerAnswers(clear, { speech: dialog([[60, 62, '您是否清楚'], [62.6, 63.0, '嗯'], [66, 67.5, '清楚了吗'], [68, 68.5, '清楚']]) });
    assert.equal(out.verdict, 'PASS', out.reason);
    assert.match(out.reason, /every one of 2 askings answered/);
  });

  it('any: one confirmation is enough (no reply to the ID request, then 是的 to 本人吗)', () => {
    const out = checkCustomerAnswers(identity, { speech: dialog([[40, 42, '请出示您的身份证'], [52, 53.5, '您是本人吗'], [54, 54.5, '是的']]) });
    assert.equal(out.verdict, 'PASS', out.reason);
  });

  it('any: a reply that confirms by content confirms (“好的，这是我的身份证”)', () => {
    const out = checkCustomerAnswers(identity, { speech: dialog([[40, 42, '请出示您的身份证'], [42.6, 44.5, '这是我的身份证']]) });
    assert.equal(out.verdict, 'PASS', out.reason);
  });

  it('any: a refusal FAILs even when another asking was answered', () => {
    const out = checkCustomerAnswers(identity, { speech: dialog([[40, 42, '请出示您的身份证'], [42.6, 43.5, '好的'], [52, 53.5, '您是本人吗'], [54, 54.5, '不是']]) });
    assert.equal(out.verdict, 'FAIL');
    assert.match(out.reason, /negation/);
  });

  it('any: the agent going on to a second asking before any reply is not answered by that asking (请出示 → 您是本人吗 → 是的)', () => {
    const out = checkCustomerAnswers(identity, { speech: dialog([[15, 16.5, '请出示您的身份证'], [16.8, 18.3, '您是本人吗'], [18.9, 20, '是的我是本人']]) });
    assert.equal(out.verdict, 'PASS', out.reason);
    const reply = out.evidence.find((e) => e.kind === 'speech:reply');
    assert.deepEqual([reply?.from.toFixed(1), reply?.text], ['18.8', '是的我是本人'], 'the reply is the customer\'s, not the agent\'s second question');
  });

  it('the question\'s words echoed in the customer\'s answer are not another asking (好的，我来签名 after 请亲笔签名)', () => {
    const sign = rule({ check: 'customer_answers', says: '客户确认签名', label: '客户确认签名', question: ['亲笔签名', '签名'], affirmative: ['好的', '可以'], askings: 'any' });
    const out = checkCustomerAnswers(sign, { speech: dialog([[71.8, 75.9, '请您在投保单上亲笔签名并抄录风险提示语句'], [76.2, 77.4, '好的我来签名']]) });
    assert.equal(out.verdict, 'PASS', out.reason);
    const silentAfterEcho = checkCustomerAnswers(sign, { speech: dialog([[71.8, 75.9, '请您在投保单上亲笔签名'], [76.2, 77.4, '嗯签名']]) });
    assert.notEqual(silentAfterEcho.verdict, 'PASS', 'a reply that only echoes the words is no confirmation');
  });

  it('every: the question’s words in the customer’s answer (我都清楚 after 您是否都清楚了) are the answer, not another asking', () => {
    const everyClear = rule({ check: 'customer_answers', says: '客户明确答复', label: '是否清楚', question: ['您是否都清楚了', '都清楚'], affirmative: ['清楚', '好的'], askings: 'every' });
    const out = checkCustomerAnswers(everyClear, { speech: dialog([[99.3, 102.4, '我刚才讲的内容您是否都清楚了'], [102.9, 103.7, '我都清楚'], [104.5, 109, '请您亲笔在投保单上签名']]) });
    assert.equal(out.verdict, 'PASS', out.reason);
  });

  it('every: a question left without a reply while the agent waits, then asks the next, FAILs; two questions in one breath take one reply', () => {
    const waited = checkCustomerAnswers(clear, { speech: dialog([[68.9, 70.9, '以上内容您是否清楚'], [73.1, 75.7, '退保损失您明白吗'], [76.2, 77.0, '都明白了']]) });
    assert.equal(waited.verdict, 'FAIL', waited.reason);
    assert.match(waited.reason, /no reply after “您是否清楚” .*the next turn is the agent’s next question/);
    const oneBreath = checkCustomerAnswers(clear, { speech: dialog([[86.5, 88.4, '我讲清楚了吗'], [88.7, 89.8, '您明白吗'], [90.3, 91.0, '明白']]) });
    assert.equal(oneBreath.verdict, 'PASS', oneBreath.reason);
  });

  it('reads a refusal through a slip (没请明白 for 没听明白)', () => {
    const withNegatives = rule({ ...clear, negative: ['没听明白', '不清楚'] });
    const out = checkCustomerAnswers(withNegatives, { speech: dialog([[82.4, 85.1, '退保损失您明白吗'], [85.6, 86.4, '没请明白']]) });
    assert.equal(out.verdict, 'FAIL', out.reason);
    assert.match(out.reason, /negation/);
  });

  it('a question’s words across two turns are not an asking (…都明白。| 麻烦您… is not 明白吗)', () => {
    const out = checkCustomerAnswers(clear, { speech: dialog([[60, 62, '您明白吗'], [62.6, 63.6, '没有都明白'], [64.4, 67, '麻烦您在投保单上签名'], [67.6, 68.2, '我自己签']]) });
    assert.equal(out.verdict, 'PASS', out.reason);
  });

  it('an advisory question not asked does not apply', () => {
    const advisory = rule({ check: 'customer_answers', says: '宜确认', label: '是否明白退保损失', question: ['退保损失您明白吗'], advisory: true, askings: 'every' });
    const out = checkCustomerAnswers(advisory, { speech: dialog([[60, 62, '您是否清楚'], [62.6, 63.0, '清楚']]) });
    assert.equal(out.applies, false);
    assert.equal(out.verdict, 'CANNOT_JUDGE');
  });
});

describe('customer_answers: what decides between askings, damage and advisory rules', () => {
  // An unclear reply (一线: no answer word) to the first asking, none at all to the second.
  const twoAskings = speechEvidence([QUESTION, [62.6, 63.1, '一线'], [70, 72, '以上内容您是否清楚']]);
  it('a missing reply outweighs an unclear one, for any and for every asking', () => {
    for (const askings of ['any', 'every'] as const) {
      const r = rule({ check: 'customer_answers', says: '客户确认', label: '是否清楚', question: ['以上内容您是否清楚'], askings });
      const out = checkCustomerAnswers(r, { speech: twoAskings });
      assert.equal(out.verdict, 'FAIL', `${askings}: ${out.reason}`);
      assert.match(out.reason, /no reply within 6 s/);
    }
  });
  it('no reply where the sound after the question is damaged is CANNOT_JUDGE', () => {
    const broken = integrity([{ type: 'undecodable', from: 63, to: 66, reason: 'damaged', source: 'decoder', detail: { stream: 'audio' } }]);
    const out = checkCustomerAnswers(ask, { integrity: broken, speech: speechEvidence([QUESTION]) });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.match(out.reason, /the reply may be there/);
  });
  it('an advisory question without a speech analysis does not apply', () => {
    const advisory = rule({ check: 'customer_answers', says: '客户确认', label: '是否清楚', question: ['以上内容您是否清楚'], advisory: true });
    const out = checkCustomerAnswers(advisory, {});
    assert.deepEqual([out.verdict, out.applies], ['CANNOT_JUDGE', false]);
  });
});

describe('customer_answers: 代答, the agent answering for the customer (rulebook 1.6.0 candidate)', () => {
  const proxy = rule({ check: 'customer_answers', says: '客户确认', label: '是否清楚', question: ['以上内容您是否清楚'], proxyAnswer: {} });
  const turn = (from: number, to: number, speaker: 'agent' | 'customer' | 'uncertain', margin: number) => ({
    from, to, region: 1, speaker, source: 'voice' as 'voice' | 'profile', simAgent: 0.5 + margin / 2, simCustomer: 0.5 - margin / 2, margin, agentZ: 0,
  });
  const withTurns = (reply: [number, number], turns: ReturnType<typeof turn>[], voices: 0 | 1 | 2 = 2): SpeechEvidence =>
    speechEvidence([QUESTION, [reply[0], reply[1], '清楚了没问题']], {
      speakers: { model: { name: 'speaker_ge2e', sha256: 'x' }, voices, centroidSimilarity: 0.6, agentProfileSimilarity: null, turns: [turn(59.9, 62.1, 'agent', 0.4), ...turns], seconds: { agent: 0, customer: 0, uncertain: 0 } },
    });

  it('FAILs an affirmative reply spoken in the agent’s voice, with the similarities as evidence', () => {
    const out = checkCustomerAnswers(proxy, { speech: withTurns([62.6, 64.1], [turn(62.5, 64.2, 'agent', 0.3)]) });
    assert.equal(out.verdict, 'FAIL', out.reason);
    assert.match(out.reason, /代答 — the reply “清楚了没问题” 62\.5–64\.2 s is in the agent’s voice \(1\.7 of 1\.7 s attributed to the agent's voice; 62\.5–64\.2 s: agent 0\.65, customer 0\.35\)/);
  });

  it('judges as before when the voice does not lean to the agent, one voice is heard, or the rule does not ask', () => {
    for (const [label, speech] of [
      ['uncertain', withTurns([62.6, 64.1], [turn(62.5, 64.2, 'uncertain', 0.02)])],
      ['one voice', withTurns([62.6, 64.1], [turn(62.5, 64.2, 'agent', 0.3)], 1)],
      ['customer', withTurns([62.6, 64.1], [turn(62.5, 64.2, 'customer', 0.3)])],
    ] as const) {
      assert.equal(checkCustomerAnswers(proxy, { speech }).verdict, 'PASS', label);
    }
    assert.equal(checkCustomerAnswers(ask, { speech: withTurns([62.6, 64.1], [turn(62.5, 64.2, 'agent', 0.3)]) }).verdict, 'PASS', 'a rule without proxyAnswer');
  });

  it('is CANNOT_JUDGE, never FAIL nor PASS, for a reply leaning to the agent that is too short or under the margin', () => {
    for (const [label, speech] of [
      ['small margin', withTurns([62.6, 64.1], [turn(62.5, 64.2, 'agent', 0.05)])],
      ['short, under the stricter margin', withTurns([62.6, 63.1], [turn(62.5, 63.2, 'agent', 0.15)])],
      ['short and uncertain', withTurns([62.6, 63.1], [turn(62.5, 63.2, 'uncertain', 0.13)])],
    ] as const) {
      const out = checkCustomerAnswers(proxy, { speech });
      assert.equal(out.verdict, 'CANNOT_JUDGE', label);
      assert.match(out.reason, /may be the agent’s voice \(代答\?\), too short or too close to tell/, label);
    }
    const partlyCustomer = withTurns([62.6, 64.1], [turn(62.5, 63.2, 'agent', 0.3), turn(63.2, 64.2, 'customer', -0.3)]);
    assert.equal(checkCustomerAnswers(proxy, { speech: partlyCustomer }).verdict, 'PASS', 'a part in the customer’s voice');
  });

  it('FAILs a short reply only all in the agent’s voice, by the stricter margin or by an enrolled profile’s', () => {
    const own = checkCustomerAnswers(proxy, { speech: withTurns([62.6, 63.1], [turn(62.5, 63.2, 'agent', 0.25)]) });
    assert.equal(own.verdict, 'FAIL', own.reason);
    assert.match(own.reason, /代答 — the reply “清楚了没问题” 62\.5–63\.2 s is in the agent’s voice/);
    const enrolled = withTurns([62.6, 63.1], [{ ...turn(62.5, 63.2, 'agent', 0.12), source: 'profile' as const }]);
    assert.equal(checkCustomerAnswers(proxy, { speech: enrolled }).verdict, 'FAIL', 'an enrolled profile confirmed the agent');
    const partly = withTurns([62.6, 63.1], [turn(62.5, 62.8, 'agent', 0.3), turn(62.8, 63.2, 'uncertain', 0.3)]);
    assert.notEqual(checkCustomerAnswers(proxy, { speech: partly }).verdict, 'FAIL', 'part of a short reply uncertain');
  });

  it('is no 代答 when the agent’s voice in the reply is a question asked again with the answer merged into it', () => {
    const asking = speechEvidence([QUESTION, [62.6, 64.1, '您是否都清楚罢对']], {
      speakers: { model: { name: 'speaker_ge2e', sha256: 'x' }, voices: 2, centroidSimilarity: 0.6, agentProfileSimilarity: null, turns: [turn(59.9, 62.1, 'agent', 0.4), turn(62.5, 64.2, 'agent', 0.3)], seconds: { agent: 0, customer: 0, uncertain: 0 } },
    });
    assert.notEqual(checkCustomerAnswers(proxy, { speech: asking }).verdict, 'FAIL');
  });
});

describe('customer_answers: 代答 on a microphone per party (rulebook 1.6.0 candidate)', () => {
  const proxy = rule({ check: 'customer_answers', says: '客户确认', label: '是否清楚', question: ['以上内容您是否清楚'], proxyAnswer: {} });
  const anyReply = rule({ check: 'customer_answers', says: '须作答', label: '如实告知', question: ['请如实告知'], accept: 'any', proxyAnswer: {} });
  /** Question 60–62 s on the agent's channel, then the given lines, each region on the named channel. */
  const stereo = (q: string, lines: [number, number, string, 'agent' | 'customer'][]): SpeechEvidence => {
    const all: [number, number, string][] = [[60, 62, q], ...lines.map(([a, b, t]) => [a, b, t] as [number, number, string])];
    const vad = all.map(([a, b]) => ({ from: a - 0.1, to: b + 0.1 }));
    const who: ('agent' | 'customer')[] = ['agent', ...lines.map((l) => l[3])];
    return speechEvidence(all, { parties: { source: 'channels', separated: true, agentPart: 0, regions: vad.map((r, i) => ({ ...r, speaker: who[i]!, diffDb: who[i] === 'agent' ? 40 : -40 })) } });
  };

  it('FAILs an answer on the agent’s channel while the customer’s is silent, with its times, not as “no reply”', () => {
    const out = checkCustomerAnswers(proxy, { speech: stereo('以上内容您是否清楚', [[62.6, 63.2, '清楚', 'agent']]) });
    assert.equal(out.verdict, 'FAIL');
    assert.match(out.reason, /代答 — the answer “清楚” 62\.5–63\.3 s to “以上内容您是否清楚” is the agent’s \(on the agent's microphone \(channels, 40 dB over the other\) while the customer's is silent through the reply window; it opens with the answer 清楚\)/);
    assert.deepEqual(out.evidence.map((e) => e.kind), ['speech:question', 'speech:reply']);
  });

  it('FAILs it even when the customer speaks later in the window (a reply to what came next)', () => {
    const out = checkCustomerAnswers(proxy, { speech: stereo('以上内容您是否清楚', [[62.6, 63.2, '清楚', 'agent'], [65, 65.6, '明白', 'customer']]) });
    assert.equal(out.verdict, 'FAIL');
    assert.match(out.reason, /silent until 64\.9 s/);
  });

  it('for a rule accepting any reply, FAILs any reply-length agent turn only when the customer’s channel stays silent', () => {
    assert.match(checkCustomerAnswers(anyReply, { speech: stereo('请如实告知', [[62.6, 64.4, '没有住过院', 'agent']]) }).reason, /代答/);
    const answered = checkCustomerAnswers(anyReply, { speech: stereo('请如实告知', [[62.6, 64.4, '如有隐瞒会影响理赔', 'agent'], [65, 66.5, '没有住过院', 'customer']]) });
    assert.equal(answered.verdict, 'PASS', answered.reason);
  });

  it('is no 代答 when the customer answers first, the agent’s turn asks or goes on, or the rule does not ask', () => {
    const cases: [string, SpeechEvidence, ReturnType<typeof rule>][] = [
      ['customer first', stereo('以上内容您是否清楚', [[62.6, 63.2, '清楚', 'customer'], [63.6, 64.2, '好的', 'agent']]), proxy],
      ['asks again', stereo('以上内容您是否清楚', [[62.6, 64.2, '清楚了吗', 'agent'], [64.6, 65.2, '清楚', 'customer']]), proxy],
      ['goes on', stereo('以上内容您是否清楚', [[62.6, 68, '好的接下来请您看一下投保提示书的内容', 'agent'], [68.4, 69, '清楚', 'customer']]), proxy],
      ['no proxyAnswer', stereo('以上内容您是否清楚', [[62.6, 63.2, '清楚', 'agent']]), ask],
    ];
    for (const [label, speech, r] of cases) assert.doesNotMatch(checkCustomerAnswers(r as typeof proxy, { speech }).reason, /代答/, label);
  });
});
