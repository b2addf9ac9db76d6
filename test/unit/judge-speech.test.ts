// The statement checks (judge/checks/speech.ts), one case per verdict branch: a required statement said
// (heard, verified against the audio, partly heard, absent; sidecar values; faces while it is said) and
// no misleading talk. A statement FAILs only when audio good enough to judge shows it absent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkNoMisleadingTalk, checkStatementSaid } from '../../judge/checks/speech';
import type { EvidenceSet } from '../../judge/types';
import type { SpeechEvidence } from '../../evidence/types';
import { facesEvidence, facts, ingest, integrity } from '../helpers/judge-evidence';
import { rule, speechEvidence } from '../helpers/speech-evidence';
import { loadRulebook } from '../../rules/load';

const poor: SpeechEvidence['quality'] = { status: 'poor', reason: 'noisy', meanLogProb: -1.3, transcribedShare: 0.4 };
const said = (text: string, extra: Partial<SpeechEvidence> = {}): SpeechEvidence => speechEvidence([[50, 53, text]], extra);

describe('statement_said', () => {
  const cooling = rule({ check: 'statement_said', says: '告知犹豫期', label: '犹豫期', phrases: ['犹豫期为{N}天'] });

  it('PASSes a statement heard in the transcript, with where and how well', () => {
    const out = checkStatementSaid(cooling, { speech: said('犹豫期为十五天') });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, '“犹豫期” heard “犹豫期为十五天” (read-rate 1.00) at 50.0–53.0 s');
    assert.deepEqual(out.evidence, [{ from: 50, to: 53, kind: 'speech:statement', text: '犹豫期为十五天' }]);
  });

  it('PASSes a statement the transcript missed when forced alignment verifies it', () => {
    const out = checkStatementSaid(cooling, { speech: said('优雅地微笑着', { verification: [{ text: '犹豫期为十五天', from: 49.9, score: 0.05 }] }) });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, '“犹豫期” not in the transcript, but verified against the audio from 49.9 s (forced-alignment score 0.050 ≥ 0.05) at 49.9–49.9 s');
    assert.deepEqual([out.evidence[0]?.from, out.evidence[0]?.kind], [49.9, 'speech:statement']);
  });

  it('FAILs a statement absent from good audio, citing the closest words and the alignment score', () => {
    const out = checkStatementSaid(cooling, { speech: said('犹豫期', { verification: [{ text: '犹豫期为十五天', from: 49.9, score: 0.012 }] }) });
    assert.equal(out.verdict, 'FAIL');
    assert.equal(out.reason, '告知犹豫期: “犹豫期” was not said (the whole speech transcribed, no wording or key terms found; best forced-alignment score 0.012 < 0.05); closest heard “犹豫期” at 50.0 s (read-rate 0.50)');
    assert.deepEqual(out.evidence, [{ from: 50, to: 53, kind: 'speech:closest', text: '犹豫期' }]);
    const silent = checkStatementSaid(cooling, { speech: speechEvidence([]) });
    assert.equal(silent.verdict, 'FAIL');
    assert.equal(silent.reason, '告知犹豫期: “犹豫期” was not said (the whole speech transcribed, no wording or key terms found; not verified against the audio)');
    assert.deepEqual(silent.evidence, []);
  });

  it('is CANNOT_JUDGE for a statement only partly heard (read-rate between the two thresholds)', () => {
    const out = checkStatementSaid(cooling, { speech: said('犹豫为十五天') });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '告知犹豫期: “犹豫期” only partly heard (not verified against the audio); closest heard “犹豫为十五天” at 50.0 s (read-rate 0.83)');
  });

  it('is CANNOT_JUDGE for a statement not found on poor audio', () => {
    const out = checkStatementSaid(cooling, { speech: said('犹豫期', { quality: poor }) });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '告知犹豫期: “犹豫期” not found, but the audio is too poor to be sure (noisy); closest heard “犹豫期” at 50.0 s (read-rate 0.50)');
  });

  it('FAILs a recording without audio, and is CANNOT_JUDGE without a speech analysis', () => {
    const noAudioStream = checkStatementSaid(cooling, { integrity: integrity([], facts(true, false)), speech: said('犹豫期为十五天') });
    assert.equal(noAudioStream.verdict, 'FAIL');
    assert.equal(noAudioStream.reason, '告知犹豫期: the recording has no audio');
    const heardNothing = checkStatementSaid(cooling, { speech: { ...said('犹豫期为十五天'), audio: false } });
    assert.equal(heardNothing.verdict, 'FAIL');
    assert.equal(heardNothing.reason, '告知犹豫期: the recording has no audio');
    const none = checkStatementSaid(cooling, {});
    assert.equal(none.verdict, 'CANNOT_JUDGE');
    assert.equal(none.reason, '告知犹豫期: no speech analysis');
    assert.equal(checkStatementSaid(cooling, { failures: { speech: 'engine down' } }).reason, '告知犹豫期: the speech analysis failed (engine down)');
  });

  describe('advisory', () => {
    const greeting = rule({ check: 'statement_said', says: '问候', label: '您好', phrases: ['您好'], advisory: true });

    it('PASSes when heard, as any statement', () => {
      assert.equal(checkStatementSaid(greeting, { speech: said('您好') }).verdict, 'PASS');
    });

    it('does not apply when not heard, or when speech cannot be judged (even with no audio)', () => {
      const absent = checkStatementSaid(greeting, { speech: said('保险责任包括生存年金') });
      assert.deepEqual([absent.applies, absent.verdict], [false, 'CANNOT_JUDGE']);
      assert.equal(absent.reason, 'not applied: “您好” not heard (advisory: its absence fails nothing)');
      const none = checkStatementSaid(greeting, {});
      assert.deepEqual([none.applies, none.verdict, none.reason], [false, 'CANNOT_JUDGE', 'not applied: 问候: no speech analysis']);
      const mute = checkStatementSaid(greeting, { integrity: integrity([], facts(true, false)) });
      assert.deepEqual([mute.applies, mute.verdict, mute.reason], [false, 'CANNOT_JUDGE', 'not applied: 问候: the recording has no audio']);
    });
  });

  describe('other wordings (rulebook 1.5.0 concepts, an insurer’s script library)', () => {
    const surrender = rule({
      check: 'statement_said',
      says: '说明退保损失',
      label: '退保损失',
      phrases: ['退保有损失'],
      concept: { all: [['退保', '解除合同'], ['损失', '退还现金价值']] },
    });

    it('PASSes a statement said in other words by its key terms', () => {
      const out = checkStatementSaid(surrender, { speech: said('提前解除合同的话只能退还现金价值') });
      assert.equal(out.verdict, 'PASS', out.reason);
      assert.match(out.reason, /heard in other words “解除合同的话只能退还现金价值” \(key terms “解除合同” \+ “退还现金价值”/);
    });

    it('does not take a negated statement for the statement', () => {
      const out = checkStatementSaid(surrender, { speech: said('退保不会有任何损失') });
      assert.notEqual(out.verdict, 'PASS');
    });

    it('says when the statement was heard in the insurer’s own words', () => {
      const own = rule({ check: 'statement_said', says: '说明退保损失', label: '退保损失', phrases: ['退保有损失'], insurerPhrases: ['中途退保您会拿不回全部本金'] });
      const out = checkStatementSaid(own, { speech: said('中途退保您会拿不回全部本金') });
      assert.equal(out.verdict, 'PASS');
      assert.match(out.reason, /insurer’s own words/);
    });
  });

  describe('the national rulebook’s 退保损失 (1.5.1: the refund’s limit names the loss)', () => {
    const surrenderOf = (ref: string) => {
      const found = loadRulebook(ref).book.steps.explanation?.rules.find((r) => r.id === 'EXPL-SURRENDER');
      assert.ok(found && found.check === 'statement_said');
      return found;
    };
    // A common market wording that names no loss word at all: the limit of the refund says it.
    const longForm = '过了犹豫期再解除合同，您只能拿回保单的现金价值，可能比已交的保费少';

    it('PASSes 退保 … 只能拿回现金价值 under 1.5.1, which 1.5.0 missed', () => {
      assert.equal(checkStatementSaid(surrenderOf('cn-national@1.5.0'), { speech: said(longForm) }).verdict, 'FAIL');
      const out = checkStatementSaid(surrenderOf('cn-national@1.5.1'), { speech: said(longForm) });
      assert.equal(out.verdict, 'PASS', out.reason);
      assert.match(out.reason, /只能拿回/);
    });

    it('does not take a full refund in the cooling-off period for the loss', () => {
      const out = checkStatementSaid(surrenderOf('cn-national@1.5.1'), { speech: said('犹豫期内退保，您可以拿回全部保费') });
      assert.equal(out.verdict, 'FAIL', out.reason);
    });
  });

  describe('FAIL needs evidence of absence', () => {
    it('is CANNOT_JUDGE when speech the recogniser could not transcribe could hold the statement', () => {
      const speech = said('这是投保提示书', { vad: [{ from: 49.9, to: 53.1 }, { from: 60, to: 66 }] });
      const out = checkStatementSaid(cooling, { speech });
      assert.equal(out.verdict, 'CANNOT_JUDGE');
      assert.match(out.reason, /6\.0 s of speech could not be transcribed \(60\.0–66\.0 s\): it may be there/);
      assert.ok(out.evidence.some((e) => e.kind === 'speech:untranscribed' && e.from === 60 && e.to === 66));
    });

    it('still FAILs when every stretch of speech was transcribed (short untranscribed bits cannot hide it)', () => {
      const speech = said('这是投保提示书', { vad: [{ from: 49.9, to: 53.1 }, { from: 60, to: 61 }] });
      assert.equal(checkStatementSaid(cooling, { speech }).verdict, 'FAIL');
    });

    it('is CANNOT_JUDGE when the sound has a stretch that could not be decoded', () => {
      const hole = { type: 'undecodable' as const, from: 70, to: 71, reason: 'the audio could not be decoded', source: 'decoder' as const, detail: { stream: 'audio', packets: 3 } };
      const out = checkStatementSaid(cooling, { speech: said('这是投保提示书'), integrity: integrity([hole]) });
      assert.equal(out.verdict, 'CANNOT_JUDGE', out.reason);
      assert.match(out.reason, /not heard, but the sound 70\.0–71\.0 s could not be decoded .*: it may have been said there/);
    });
  });

  describe('values only the sidecar knows', () => {
    const licence = rule({ check: 'statement_said', says: '告知执业证号', label: '执业证号', phrases: ['执业证编号{licence}'] });
    const name = rule({ check: 'statement_said', says: '自我介绍', label: '姓名', phrases: ['我是{agentName}'] });
    const licenceSaid = (values: SpeechEvidence['values']) => checkStatementSaid(licence, { speech: said('执业证编号零二零一*********零二一', { values }) });
    const nameSaid = (values: SpeechEvidence['values']) => checkStatementSaid(name, { ingest, speech: said('我是王芳', { values }) });

    it('PASSes a value the analyser found equal to the record, or did not check', () => {
      assert.equal(licenceSaid({ licence: { expected: 'exact', from: 50, to: 53 } }).verdict, 'PASS');
      assert.equal(nameSaid({}).verdict, 'PASS');
    });

    it('FAILs a value said that is not the record: cue heard, 3+ syllables differ, the record does not verify', () => {
      const out = licenceSaid({ licence: { expected: 'absent', cueHeard: true, differs: 7, verifyScore: 0.004 } });
      assert.equal(out.verdict, 'FAIL');
      assert.equal(out.reason, '告知执业证号: another licence number was said, not the insurer’s record (7 syllables differ; the recorded licence number scores 0.004 against the audio < 0.05)');
      assert.equal(out.evidence[0]?.kind, 'speech:statement');
      // A name that differs is for a reviewer, never FAIL: a right name garbled under noise looks the same.
      const wrongName = nameSaid({ agentName: { expected: 'absent', cueHeard: true, differs: 3, verifyScore: 0.01 } });
      assert.equal(wrongName.verdict, 'CANNOT_JUDGE');
      assert.match(wrongName.reason, /the name said could not be confirmed as the insurer’s record/);
    });

    it('is CANNOT_JUDGE, never FAIL, for a value that may be a recogniser’s slip or was not verified', () => {
      // The old evidence shape (absent, nothing more) and each missing condition.
      for (const values of [
        { expected: 'absent' as const },
        { expected: 'absent' as const, cueHeard: true, differs: 2, verifyScore: 0.001 },
        { expected: 'absent' as const, cueHeard: true, differs: 9 },
        { expected: 'absent' as const, cueHeard: true, differs: 9, verifyScore: 0.08 },
        { expected: 'absent' as const, cueHeard: false, differs: 9, verifyScore: 0.001 },
      ]) {
        const out = licenceSaid({ licence: values });
        assert.equal(out.verdict, 'CANNOT_JUDGE', JSON.stringify(values));
        assert.match(out.reason, /could not be confirmed as the insurer’s record/);
      }
    });

    it('matches the statement around a name transcribed a syllable off when the audio confirms the record, only where the name was heard', () => {
      const misheard = (value: NonNullable<SpeechEvidence['values']['agentName']>) => checkStatementSaid(name, { ingest, speech: said('我是明诚人寿的黄芳', { values: { agentName: value } }) });
      const confirmed = { expected: 'near' as const, cueHeard: true, differs: 1, from: 50.5, to: 53, verifyScore: 0.3, heardScore: 0.31 };
      const out = misheard(confirmed);
      assert.equal(out.verdict, 'PASS', out.reason);
      assert.match(out.reason, /transcribed 1 syllable\(s\) off the record, but the audio fits the record/);
      assert.notEqual(misheard({ ...confirmed, verifyScore: 0.01 }).verdict, 'PASS', 'the audio does not confirm the record');
      assert.notEqual(misheard({ ...confirmed, from: 80, to: 82 }).verdict, 'PASS', 'the name was heard elsewhere');
    });

    it('is CANNOT_JUDGE for a value close to the record but not clearly the same', () => {
      const out = licenceSaid({ licence: { expected: 'near' } });
      assert.equal(out.verdict, 'CANNOT_JUDGE');
      assert.equal(out.reason, '告知执业证号: the licence number said is close to the record but not clearly the same (? syllables differ: a recogniser’s slip is likely)');
      assert.equal(nameSaid({ agentName: { expected: 'near', differs: 1 } }).reason, '自我介绍: the name said is close to the record but not clearly the same (1 syllables differ: a recogniser’s slip is likely)');
      // The audio prefers what the recogniser wrote by far (a number two digits off: 0.15 against 0.40), or the record is not a said text.
      for (const scores of [{ verifyScore: 0.15, heardScore: 0.4 }, { verifyScore: 0.02, heardScore: 0.03 }, { verifyScore: 0.3 }]) {
        const unsure = licenceSaid({ licence: { expected: 'near', differs: 2, ...scores } });
        assert.equal(unsure.verdict, 'CANNOT_JUDGE', JSON.stringify(scores));
        assert.match(unsure.reason, /forced alignment: the record/);
      }
    });

    it('PASSes a number the transcript garbled when the audio fits the record far better than the transcript', () => {
      const garbled = licenceSaid({ licence: { expected: 'absent', cueHeard: true, differs: 7, verifyScore: 0.597, heardScore: 0.164 } });
      assert.equal(garbled.verdict, 'PASS', garbled.reason);
      const other = licenceSaid({ licence: { expected: 'absent', cueHeard: true, differs: 7, verifyScore: 0.1, heardScore: 0.5 } });
      assert.equal(other.verdict, 'CANNOT_JUDGE', 'the audio prefers what was written: another number may have been said');
    });

    it('PASSes a value the transcript has a syllable off when the audio fits the record as well as the transcript', () => {
      const out = nameSaid({ agentName: { expected: 'near', differs: 1, verifyScore: 0.29, heardScore: 0.7 } });
      assert.equal(out.verdict, 'PASS');
      assert.match(out.reason, /the name transcribed 1 syllable\(s\) off the record, but the audio fits the record \(forced alignment 0\.290 against 0\.700/);
    });

    it('ignores a value the rule’s phrases do not name', () => {
      assert.equal(nameSaid({ licence: { expected: 'absent' } }).verdict, 'PASS');
    });
  });

  describe('people in frame while it is said', () => {
    const together = rule({ check: 'statement_said', says: '双方同框告知', label: '犹豫期', phrases: ['犹豫期为{N}天'], faces: 2 });
    const with2 = (ev: EvidenceSet) => checkStatementSaid(together, { speech: said('犹豫期为十五天'), ...ev });

    it('PASSes with both in frame, and with one only at the edges of the span', () => {
      assert.equal(with2({ faces: facesEvidence() }).verdict, 'PASS');
      const turning = facesEvidence({ faces: [{ from: 0, to: 50.5, count: 2 }, { from: 50.5, to: 50.6, count: 1 }, { from: 50.6, to: 60, count: 2 }] });
      assert.equal(with2({ faces: turning }).verdict, 'PASS');
    });

    it('FAILs fewer people in a visible picture, or no picture at all', () => {
      const one = with2({ faces: facesEvidence({ faces: [{ from: 0, to: 60, count: 1 }] }) });
      assert.equal(one.verdict, 'FAIL');
      assert.equal(one.reason, '双方同框告知 (“犹豫期” 50.0–53.0 s): fewer than 2 people in frame 50.0–53.0 s');
      assert.equal(one.evidence[0]?.kind, 'speech:statement');
      const blind = with2({ integrity: integrity([], facts(false, true)) });
      assert.equal(blind.verdict, 'FAIL');
      assert.equal(blind.reason, '双方同框告知 (“犹豫期” 50.0–53.0 s): the recording has no picture');
    });

    it('is CANNOT_JUDGE over a dark or black picture, or without a face analysis', () => {
      const dark = with2({ faces: facesEvidence({ faces: [{ from: 0, to: 60, count: 1 }], unusable: [{ from: 49, to: 51, reason: 'too dark' }] }) });
      assert.equal(dark.verdict, 'CANNOT_JUDGE');
      assert.equal(dark.reason, '双方同框告知 (“犹豫期” 50.0–53.0 s): the picture cannot show who is there 50.0–53.0 s');
      assert.equal(with2({ faces: facesEvidence({ excluded: [{ from: 52, to: 55, why: 'black' }] }) }).verdict, 'CANNOT_JUDGE');
      const none = with2({ failures: { faces: 'model missing' } });
      assert.equal(none.verdict, 'CANNOT_JUDGE');
      assert.equal(none.reason, '双方同框告知 (“犹豫期” 50.0–53.0 s): no face analysis (model missing)');
    });
  });
});

describe('no_misleading_talk', () => {
  const misleading = rule({ check: 'no_misleading_talk', says: '误导', phrases: ['保本', '稳赚'] });

  it('PASSes when no phrase is heard, or each is negated just before', () => {
    const out = checkNoMisleadingTalk(misleading, { speech: said('保险不是存款，本产品不保本') });
    assert.equal(out.verdict, 'PASS');
    assert.equal(out.reason, 'none of 2 misleading phrases heard');
  });

  it('FAILs each phrase heard, in time order (not phrase order), quoting it in context', () => {
    const out = checkNoMisleadingTalk(misleading, { speech: speechEvidence([[30, 33, '这个产品稳赚'], [40, 42.5, '绝对保本的']]) });
    assert.equal(out.verdict, 'FAIL');
    assert.deepEqual(
      out.evidence.map((e) => [e.from, e.to, e.kind, e.text]),
      [
        [32, 33, 'speech:misleading', '“稳赚” in “…这个产品稳赚绝对保本的…”'],
        [41, 42, 'speech:misleading', '“保本” in “…产品稳赚绝对保本的…”'],
      ],
    );
    assert.equal(out.reason, '误导: “稳赚” in “…这个产品稳赚绝对保本的…” at 32.0 s; “保本” in “…产品稳赚绝对保本的…” at 41.0 s');
  });

  it('is CANNOT_JUDGE on poor audio, whether or not a phrase seems heard', () => {
    const heard = checkNoMisleadingTalk(misleading, { speech: said('这个产品保本', { quality: poor }) });
    assert.equal(heard.verdict, 'CANNOT_JUDGE');
    assert.match(heard.reason, /^误导: possibly “保本” .* — but the audio is too poor to be sure \(noisy\)$/);
    assert.equal(heard.evidence.length, 1);
    const clean = checkNoMisleadingTalk(misleading, { speech: said('保险责任', { quality: poor }) });
    assert.equal(clean.verdict, 'CANNOT_JUDGE');
    assert.equal(clean.reason, '误导: the audio is too poor to be sure (noisy)');
  });

  it('does not apply to a recording without audio', () => {
    const out = checkNoMisleadingTalk(misleading, { integrity: integrity([], facts(true, false)) });
    assert.deepEqual([out.applies, out.verdict, out.reason], [false, 'CANNOT_JUDGE', 'not applied: no audio']);
  });

  it('is CANNOT_JUDGE without a speech analysis or when it heard no audio', () => {
    assert.equal(checkNoMisleadingTalk(misleading, {}).reason, '误导: no speech analysis');
    const failed = checkNoMisleadingTalk(misleading, { failures: { speech: 'engine down' } });
    assert.deepEqual([failed.verdict, failed.reason], ['CANNOT_JUDGE', '误导: no speech analysis (engine down)']);
    assert.equal(checkNoMisleadingTalk(misleading, { speech: { ...said('保本'), audio: false } }).verdict, 'CANNOT_JUDGE');
  });
});
