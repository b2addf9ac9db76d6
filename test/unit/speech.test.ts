// Speech: normalisation, pinyin matching, transcript cleaning and masking, the speech rule checks on
// hand-made transcripts, and the real engine (faster-whisper + Whisper base) on a committed utterance.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { normalizeForMatch, readInteger, speakNumbers, toSimplified } from '../../speech/normalize';
import { compilePhrase, concreteTexts, findAll, findPhrase } from '../../speech/match';
import { syllableStream } from '../../speech/syllables';
import { cleanTranscript, maskDigitRuns } from '../../speech/transcript';
import type { RawTranscript } from '../../speech/engine';
import { checkNoMisleadingTalk, checkStatementSaid } from '../../judge/checks/speech';
import { checkCustomerAnswers } from '../../judge/checks/speech-answers';
import type { EvidenceSet } from '../../judge/types';
import { FasterWhisperEngine } from '../../speech/faster-whisper';
import { runFfmpeg } from '../../media/ffmpeg';
import { PROJECT_ROOT } from '../../lib/config';
import { rule, segmentsOf, speechEvidence } from '../helpers/speech-evidence';

describe('normalisation', () => {
  it('reads numbers as spoken and converts traditional characters', () => {
    assert.equal(readInteger(15), '十五');
    assert.equal(readInteger(12000), '一万二千');
    assert.equal(readInteger(105), '一百零五');
    assert.equal(readInteger(120500), '十二万零五百');
    assert.equal(speakNumbers('0201320106588021'), '零二零一三二零一零六五八八零二一');
    assert.equal(speakNumbers('3.5%'), '百分之三点五');
    assert.equal(toSimplified('犹豫期後退保'), '犹豫期后退保');
    assert.equal(normalizeForMatch('由於7位15天。'), '由于七位十五天');
  });
});

describe('pinyin matching', () => {
  const stream = syllableStream(segmentsOf([[10, 14, '由於7位15天,期内退保退還全部保費'], [15, 18, '我是明誠人壽的陳靜']]));

  it('finds a phrase through homophones, traditional characters and digits', () => {
    const m = findPhrase(stream, compilePhrase('犹豫期为{N}天'));
    assert.ok(m);
    assert.equal(m.readRate, 1);
    assert.ok(m.from >= 10 && m.to <= 12, `${m.from}–${m.to}`);
  });

  it('scores a phrase that is not there low', () => {
    const m = findPhrase(stream, compilePhrase('现金价值'));
    assert.ok(!m || m.readRate < 0.5, String(m?.readRate));
  });

  it('fills sidecar values and grades near misses', () => {
    assert.equal(findPhrase(stream, compilePhrase('我是{company}的{agentName}', { agentName: '陈静' }))?.readRate, 1);
    // 阵径 for 陈静: aspiration only — a near miss, not a different name.
    const near = syllableStream(segmentsOf([[0, 2, '我是阵径']]));
    const rate = findPhrase(near, compilePhrase('我是{agentName}', { agentName: '陈静' }))?.readRate ?? 0;
    assert.ok(rate > 0.8 && rate < 1, String(rate));
    const other = findPhrase(near, compilePhrase('我是{agentName}', { agentName: '王丽华' }))?.readRate ?? 0;
    assert.ok(other < 0.7, String(other));
  });

  it('finds every occurrence of a short phrase', () => {
    const s = syllableStream(segmentsOf([[0, 6, '保本保本不是存款保本']]));
    assert.equal(findAll(s, compilePhrase('保本'), 0.85).length, 3);
  });

  it('expands {N} with the usual numbers for verification and drops templates with unknown values', () => {
    assert.deepEqual(concreteTexts('犹豫期为{N}天', {}), ['犹豫期为十天', '犹豫期为十五天', '犹豫期为二十天']);
    assert.deepEqual(concreteTexts('执业证号{licence}', {}), []);
    assert.deepEqual(concreteTexts('执业证号{licence}', { licence: '0201' }), ['执业证号零二零一']);
  });
});

describe('transcript cleaning', () => {
  const raw = (segments: RawTranscript['segments'], speech = [{ from: 0, to: 30 }]): RawTranscript => ({ segments, speech, durationS: 30, language: 'zh', languageProbability: 0.99 });
  const seg = (from: number, to: number, text: string, over: Partial<RawTranscript['segments'][number]> = {}) => ({ from, to, text, avgLogProb: -0.2, noSpeechProb: 0.1, compressionRatio: 1.2, words: [], ...over });

  it('sets aside loops, stock phrases and text where nobody speaks, with the reason', () => {
    const out = cleanTranscript(
      raw(
        [seg(1, 3, '保險責任包括身故保險金'), seg(4, 6, '请不吝点赞 订阅 转发 打赏支持明镜与点点栏目'), seg(7, 9, '好的好的好的好的好的'), seg(40, 42, '谢谢')],
        [{ from: 0, to: 10 }],
      ),
    );
    assert.deepEqual(out.segments.map((s) => s.text), ['保险责任包括身故保险金']);
    assert.equal(out.dropped.length, 3);
    assert.ok(out.dropped.some((d) => /repetition/.test(d.reason)));
    assert.ok(out.dropped.some((d) => /voice activity/.test(d.reason)));
  });

  it('masks long digit runs, spoken or written, in text and words', () => {
    assert.equal(maskDigitRuns('执业证编号0201320106588021。'), '执业证编号0201*********021。');
    assert.equal(maskDigitRuns('编号零二零一三二零一零六五八八零二一'), '编号零二零一*********零二一');
    const out = cleanTranscript(raw([seg(1, 5, '编号0201320106588021', { words: [{ from: 1, to: 2, text: '编号', p: 0.9 }, { from: 2, to: 5, text: '0201320106588021', p: 0.9 }] })]));
    assert.ok(!JSON.stringify(out).includes('320106588'));
  });
});

describe('speech rule checks', () => {
  const cooling = rule({ check: 'statement_said', label: '犹豫期', phrases: ['犹豫期为{N}天', '犹豫期{N}天'] });

  it('PASSes a statement heard through ASR errors and FAILs one clearly absent', () => {
    const said = checkStatementSaid(cooling, { speech: speechEvidence([[50, 53, '由於7位15天，期內退保退還全部保費']]) });
    assert.equal(said.verdict, 'PASS', said.reason);
    const absent = checkStatementSaid(cooling, { speech: speechEvidence([[50, 53, '保险责任包括生存年金和身故保险金']]) });
    assert.equal(absent.verdict, 'FAIL', absent.reason);
  });

  it('is CANNOT_JUDGE, not FAIL, on poor audio or with no speech analysis; FAIL with no audio', () => {
    const poor = speechEvidence([[50, 53, '保险责任']], { quality: { status: 'poor', reason: 'noisy', meanLogProb: -1.3, transcribedShare: 0.4 } });
    assert.equal(checkStatementSaid(cooling, { speech: poor }).verdict, 'CANNOT_JUDGE');
    assert.equal(checkStatementSaid(cooling, { failures: { speech: 'engine down' } }).verdict, 'CANNOT_JUDGE');
    assert.equal(checkStatementSaid(cooling, { speech: { ...speechEvidence([]), audio: false } }).verdict, 'FAIL');
  });

  it('accepts a statement the transcript missed when forced alignment verifies it, and keeps the score', () => {
    const ev = speechEvidence([[50, 53, '优雅地微笑着']], { verification: [{ text: '犹豫期为十五天', from: 49.9, score: 0.21 }] });
    const out = checkStatementSaid(cooling, { speech: ev });
    assert.equal(out.verdict, 'PASS', out.reason);
    assert.match(out.reason, /0\.210/);
  });

  it('fails a spoken licence number that is not the record', () => {
    const licence = rule({ check: 'statement_said', label: '执业证号', phrases: ['执业证编号{licence}'] });
    const ev = speechEvidence([[10, 14, '执业证编号零二零一*********零二一']], { values: { licence: { expected: 'absent', cueHeard: true, differs: 8, verifyScore: 0.003 } } });
    assert.equal(checkStatementSaid(licence, { speech: ev }).verdict, 'FAIL');
    const ok = speechEvidence([[10, 14, '执业证编号零二零一*********零二一']], { values: { licence: { expected: 'exact', from: 10, to: 14 } } });
    assert.equal(checkStatementSaid(licence, { speech: ok }).verdict, 'PASS');
  });

  it('flags misleading talk with the quote, but not a negated mention', () => {
    const misleading = rule({ check: 'no_misleading_talk', phrases: ['保本', '稳赚', '跟存款一样', '就是存款'] });
    const bad = checkNoMisleadingTalk(misleading, { speech: speechEvidence([[40, 44, '这个产品保本稳赚，跟存款一样']]) });
    assert.equal(bad.verdict, 'FAIL');
    assert.match(bad.reason, /保本/);
    assert.equal(bad.evidence.length, 3);
    const fine = checkNoMisleadingTalk(misleading, { speech: speechEvidence([[40, 44, '保险不是存款，本产品不保本']]) });
    assert.equal(fine.verdict, 'PASS', fine.reason);
  });

  it('judges the reply after a question: affirmative, negation, bare 嗯, silence', () => {
    const ask = rule({ check: 'customer_answers', label: '是否清楚', question: ['以上内容您是否清楚'] });
    const verdict = (reply: [number, number, string][]): string => checkCustomerAnswers(ask, { speech: speechEvidence([[60, 62, '以上内容您是否清楚'], ...reply]) }).verdict;
    assert.equal(verdict([[62.6, 63.1, '请处']]), 'PASS'); // 清楚 misheard as a homophone
    assert.equal(verdict([[62.6, 63.4, '不清楚']]), 'FAIL');
    assert.equal(verdict([[62.6, 62.9, '嗯']]), 'FAIL');
    assert.equal(verdict([[75, 78, '请您在投保单上签名']]), 'FAIL'); // nothing said within the window
  });

  it('never FAILs a reply or a misleading phrase on audio too poor to trust: CANNOT_JUDGE with the evidence', () => {
    const ask = rule({ check: 'customer_answers', label: '是否清楚', question: ['以上内容您是否清楚'] });
    const poor = { status: 'poor' as const, reason: 'noisy', meanLogProb: -1.1, transcribedShare: 0.6 };
    const out = checkCustomerAnswers(ask, { speech: speechEvidence([[60, 62, '以上内容您是否清楚'], [62.6, 63.4, '不清楚']], { quality: poor }) });
    assert.equal(out.verdict, 'CANNOT_JUDGE', out.reason);
    assert.match(out.reason, /negation/);
    const misleading = rule({ check: 'no_misleading_talk', phrases: ['保本'] });
    assert.equal(checkNoMisleadingTalk(misleading, { speech: speechEvidence([[40, 44, '这个产品保本']], { quality: poor }) }).verdict, 'CANNOT_JUDGE');
  });

  it('requires both parties in frame during the reply when asked to', () => {
    const ask = rule({ check: 'customer_answers', label: '是否清楚', question: ['以上内容您是否清楚'], faces: 2 });
    const speech = speechEvidence([[60, 62, '以上内容您是否清楚'], [62.6, 63.1, '清楚']]);
    const faces = (count: number) => ({ faces: [{ from: 0, to: 100, count }], unusable: [], excluded: [] }) as unknown as EvidenceSet['faces'];
    assert.equal(checkCustomerAnswers(ask, { speech, faces: faces(2) }).verdict, 'PASS');
    assert.equal(checkCustomerAnswers(ask, { speech, faces: faces(1) }).verdict, 'FAIL');
  });
});

describe('faster-whisper engine (Whisper base, real model)', () => {
  let engine: FasterWhisperEngine;
  let dir: string;
  before(async () => {
    engine = await FasterWhisperEngine.load();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-speech-'));
  });
  after(async () => {
    await engine?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('transcribes a committed utterance and verifies the said sentence above an unsaid one', async () => {
    const pcm = path.join(dir, 'cooling.pcm');
    await runFfmpeg(['-v', 'error', '-i', path.join(PROJECT_ROOT, 'fixtures', 'speech', 'agentA.cooling.opus'), '-af', 'adelay=500', '-ac', '1', '-ar', '16000', '-f', 's16le', '-y', pcm], { ownFiles: true });
    const raw = await engine.transcribe(pcm);
    assert.ok(raw.speech.length >= 1, 'voice activity found');
    const stream = syllableStream(cleanTranscript(raw).segments);
    const m = findPhrase(stream, compilePhrase('犹豫期为{N}天'));
    assert.ok(m && m.readRate >= 0.85, `heard: ${raw.segments.map((s) => s.text).join('|')}`);
    const [said, unsaid] = await engine.score(pcm, [
      { text: '犹豫期为十五天', from: 0.4 },
      { text: '这个产品保本稳赚', from: 0.4 },
    ]);
    assert.ok((said ?? 0) > 0.05 && (unsaid ?? 1) < 0.02, `said ${said}, unsaid ${unsaid}`);
  });

  it('hears nothing in silence', async () => {
    const pcm = path.join(dir, 'silence.pcm');
    fs.writeFileSync(pcm, Buffer.alloc(16000 * 2 * 5));
    const raw = await engine.transcribe(pcm);
    assert.equal(cleanTranscript(raw).segments.length, 0);
  });
});
