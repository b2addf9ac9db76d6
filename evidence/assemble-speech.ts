// The speech analysis of one recording: one audio decode to 16 kHz mono (and each party's signal where
// the recording has a track or channel per party), voice activity + transcription,
// Whisper's failures set aside, then the script verified: every expected statement the transcript does
// not clearly contain is scored against the audio by forced alignment, and reply texts are scored after
// each question. The result is evidence; verdicts are the judge's.
import * as fs from 'node:fs/promises';
import { FfmpegError, runFfmpeg } from '../media/ffmpeg';
import type { SpeechEvidence } from './types';
import { EVIDENCE_SCHEMA_VERSION } from './types';
import type { ScoreRequest, SpeechEngine } from '../speech/engine';
import { compilePhrase, concreteTexts, findAll, findPhrase, type PhraseMatch } from '../speech/match';
import { normalizeForMatch } from '../speech/normalize';
import { bestPhrase, heardAffirmative, replyRegion, replySyllables, type Span } from '../speech/reply';
import type { ExpectedSpeech, ExpectedStatement } from '../speech/script';
import type { PolicyNumber } from '../lib/labelled';
import { checkPolicyNumber, type PolicyNumberFinding } from './policy-numbers';
import { findConcept } from '../speech/concept';
import { syllableStream, type Syllable } from '../speech/syllables';
import { cleanTranscript } from '../speech/transcript';
import { attributeParties, partySource, regionLevels, speechDecodeArgs, type AudioLayout, type Parties } from '../speech/parties';
import { SpeakerEncoder } from '../speech/speaker/encoder';
import { pcm16ToFloat } from '../speech/speaker/mel';
import { speakerTurns } from '../speech/speaker/turns';
import { stage } from '../lib/profile';

export interface SpeechAnalysisOptions {
  recordingId: string;
  engine: SpeechEngine;
  expected: ExpectedSpeech;
  /** The sidecar's values for placeholders ({licence}, {agentName}); never stored. */
  values: Record<string, string | undefined>;
  analyserVersion: string;
  signal?: AbortSignal;
  onProgress?: (stage: string) => void;
  /** Audio tracks and channels (from the probe): a track or channel per party tells who speaks. */
  audioLayout?: AudioLayout;
  /** Speaker turns from the voice (default on); false skips them. */
  speakers?: boolean;
}

/**
 * Below this signal-to-noise ratio a statement not heard may still have been said: bench/speech-robustness
 * measured Whisper base's CER 17 % clean, 20 % at 20 dB, 36 % at 10 dB (a said statement then missed).
 */
const MIN_SNR_DB = 15;

/** Share of the script's statements the transcript must hold before an absence is believed (espeak-ng speech, CER 90 %, held few). */
const MIN_SCRIPT_COVERAGE = 0.5;

/** Whether the transcript clearly holds a statement: one wording at `minReadRate`, or its concept's terms. */
function heardClearly(stream: Syllable[], statement: ExpectedStatement, values: Record<string, string | undefined>, minReadRate: number): boolean {
  if ((bestPhrase(stream, statement.phrases, 0, values)?.readRate ?? 0) >= minReadRate) return true;
  return statement.concept ? findConcept(stream, statement.concept, values) !== null : false;
}

/** A statement heard this well needs no forced alignment. */
const CLEARLY_HEARD = 0.9;
/** Windows per statement scored when the transcript misses it: bounds the cost on long recordings. */
const MAX_WINDOWS = 24;
/**
 * A sentence still scores well 10 s into a 30 s window (0.07 vs 0.005 unsaid, measured on the fixtures),
 * so windows start at speech onsets at least this far apart.
 */
const WINDOW_SPACING_S = 8;
/** Askings per question whose replies are verified: bounds the cost when a question's words recur. */
const MAX_ASKINGS = 6;
/** Concrete wordings verified per statement (alternatives × usual numbers). */
const MAX_TEXTS = 4;

function windowStarts(vad: Span[], near: number | null): number[] {
  const starts: number[] = [];
  for (const r of vad) {
    const at = Math.max(0, r.from - 0.1);
    if (starts.length === 0 || at - (starts[starts.length - 1] ?? 0) >= WINDOW_SPACING_S) starts.push(at);
  }
  if (starts.length <= MAX_WINDOWS) return starts;
  if (near === null) return starts.filter((_, i) => i % Math.ceil(starts.length / MAX_WINDOWS) === 0);
  return [...starts].sort((a, b) => Math.abs(a - near) - Math.abs(b - near)).slice(0, MAX_WINDOWS);
}

/** What the value check found, with what only memory may hold: the record's and the heard wording, for verification. */
interface ValueFinding {
  checked: NonNullable<SpeechEvidence['values'][keyof SpeechEvidence['values']]>;
  /** Where to verify, and the two texts to compare there (never stored: they hold the value). */
  verify?: { from: number; record: string; heard: string };
}

/**
 * Whether the sidecar value said after its cue (执业证号…, 我叫…) is the expected one, graded on the value
 * alone: a misheard cue (职业政变后 for 执业证编号) says nothing about the number. `differs` is the edit
 * distance in syllables between the record and what followed the cue (a count only, never the value), so
 * the judge can tell a recogniser's slip from another number said. Every template naming the value is
 * tried (我叫{agentName} as well as 我是{company}的{agentName}).
 */
export function checkValue(stream: Syllable[], templates: string[], values: Record<string, string | undefined>, name: string): ValueFinding | undefined {
  const want = compilePhrase(`{${name}}`, values).tokens.flatMap((t) => (t.kind === 'syl' ? [t.syl] : []));
  if (!want.length) return undefined;
  let best: { whole: PhraseMatch | null; cue: PhraseMatch; differs: number; valueStart: number; heardEnd: number } | undefined;
  for (const template of templates) {
    const [prefix = ''] = template.split(`{${name}}`);
    const whole = findPhrase(stream, compilePhrase(template, values));
    // Other placeholders in the cue match any words (明诚人寿 for the record's 明诚人寿保险股份有限公司), within a short reach.
    const cuePhrase = compilePhrase(prefix, { [name]: values[name] });
    const cue = prefix.trim() ? findPhrase(stream, cuePhrase) : null;
    if (!cue || cue.readRate < CUE_READ_RATE) continue;
    if (cue.end - cue.start > cuePhrase.tokens.filter((t) => t.kind === 'syl').length + CUE_WILDCARD_SYLLABLES) continue;
    // The value is what follows the cue; its length may differ by a syllable or two when misheard.
    let differs = Infinity;
    let heardEnd = cue.end;
    let valueStart = cue.end;
    // A word or two may come between (执业证编号是…, 我叫小周，周晓岚); nearest lengths first: a tie keeps the value's own length.
    for (const skip of [0, 1, 2]) {
      for (const len of [0, -1, 1, -2, 2].map((d) => want.length + d).filter((l) => l >= 1)) {
        const after = stream.slice(cue.end + skip, cue.end + skip + len).map((s) => s.syl);
        const d = editDistance(want, after);
        if (d < differs) [differs, valueStart, heardEnd] = [d, cue.end + skip, cue.end + skip + after.length];
      }
    }
    if (!best || differs < best.differs || (differs === best.differs && cue.readRate > best.cue.readRate)) best = { whole, cue, differs, valueStart, heardEnd };
  }
  if (!best) return { checked: { expected: 'absent', cueHeard: false } };
  const { whole, cue, differs, valueStart, heardEnd } = best;
  const to = stream[heardEnd - 1]?.to ?? cue.to;
  // Both texts start with the cue as heard, so they differ only in the value: the record's or the transcript's.
  const chars = (from: number, end: number): string => stream.slice(from, end).map((s) => s.char).join('');
  const heard = chars(cue.start, heardEnd);
  const record = `${chars(cue.start, valueStart)}${spokenValue(values[name]) ?? ''}`;
  const verify = { from: Math.max(0, cue.from - 0.1), record, heard };
  // Exact means every syllable of the value (homophones are one syllable): a number two digits off is not.
  if (differs === 0) return { checked: { expected: 'exact', from: cue.from, to, readRate: round(whole?.readRate ?? 1) } };
  if (differs <= NEAR_SYLLABLES) return { checked: { expected: 'near', from: cue.from, to, readRate: round(whole?.readRate ?? 0), cueHeard: cue.readRate >= 0.85, differs }, verify };
  return { checked: { expected: 'absent', cueHeard: cue.readRate >= 0.85, from: cue.from, to: cue.to, differs }, verify };
}

/** Syllables a placeholder inside a cue may stand for (a company's short name; 明诚人寿保险股份有限公司 is 12). */
const CUE_WILDCARD_SYLLABLES = 12;
/** A cue heard at least this well places the value (职业政变后 for 执业证编号 is 0.6). */
const CUE_READ_RATE = 0.6;
/** Syllables a recogniser commonly gets wrong in one name or number (竹小兰 for 周晓岚). */
const NEAR_SYLLABLES = 2;

function editDistance(a: string[], b: string[]): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length] ?? 0;
}

/** A sidecar value as it appears in a concrete verification text (numbers read digit by digit). */
function spokenValue(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return normalizeForMatch(/^\d+$/.test(value) ? value.replace(/\d/g, (d) => '零一二三四五六七八九'.charAt(Number(d))) : value);
}

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Speaker turns over the decoded 16 kHz mix. A failure (the speaker model missing, say) is recorded as the
 * evidence's `speakers.problem` and does not fail the speech analysis: no check depends on it yet.
 */
async function speakerEvidence(workFile: string, vad: Span[], segments: Span[], parties: Parties | undefined): Promise<NonNullable<SpeechEvidence['speakers']>> {
  try {
    const encoder = await SpeakerEncoder.load();
    const samples = pcm16ToFloat(await fs.readFile(workFile));
    return await speakerTurns(encoder, samples, vad, { segments, ...(parties ? { parties } : {}) });
  } catch (err) {
    return { problem: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

/** The recording's audio stream could not be decoded to 16 kHz (the file's fault: not retried). */
export class AudioUndecodable extends Error {
  override name = 'AudioUndecodable';
}

export async function analyseSpeechFile(file: string, hasAudio: boolean, workFile: string, opts: SpeechAnalysisOptions): Promise<SpeechEvidence> {
  const header = {
    kind: 'speech' as const,
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    recordingId: opts.recordingId,
    analyser: { name: 'speech', version: opts.analyserVersion },
    createdAt: new Date().toISOString(),
    engine: opts.engine.name,
    model: opts.engine.model,
  };
  const empty: SpeechEvidence = {
    ...header,
    audio: false,
    durationS: 0,
    vad: [],
    speechS: 0,
    segments: [],
    dropped: [],
    quality: { status: 'poor', reason: 'the recording has no audio stream', meanLogProb: null, transcribedShare: null },
    values: {},
    verification: [],
    timing: { decodeMs: 0, asrMs: 0, verifyMs: 0 },
  };
  if (!hasAudio) return empty;

  let t = Date.now();
  opts.onProgress?.('decode-audio');
  // 16 kHz mono is what the VAD and Whisper take (every track mixed); with a track or channel per party,
  // each party's signal too, for who spoke when.
  const layout = opts.audioLayout ?? { streams: 1, channels: 1 };
  const partFiles: [string, string] | null = partySource(layout) ? [`${workFile}.party0`, `${workFile}.party1`] : null;
  try {
    await stage('decode audio (ffmpeg)', () => runFfmpeg(speechDecodeArgs(file, layout, workFile, partFiles), { signal: opts.signal }));
  } catch (err) {
    // ffmpeg gave up on the file's audio (too many decode errors: damaged or not what it claims): the same
    // file fails the same way every time, so it is an answer, not a reason to retry.
    if (!opts.signal?.aborted && err instanceof FfmpegError && err.exitCode !== null) throw new AudioUndecodable(`the audio cannot be decoded (${err.message.slice(0, 300)})`);
    throw err;
  }
  const decodeMs = Date.now() - t;
  try {
    t = Date.now();
    opts.onProgress?.('transcribe');
    const raw = await stage('transcribe (VAD + ASR)', () => opts.engine.transcribe(workFile, opts.signal));
    const asrMs = Date.now() - t;
    const { segments, dropped } = cleanTranscript(raw);
    const source = partySource(layout);
    const parties = partFiles && source ? attributeParties(source, raw.speech, regionLevels(partFiles[0], raw.speech), regionLevels(partFiles[1], raw.speech)) : undefined;
    const speechS = raw.speech.reduce((s, r) => s + (r.to - r.from), 0);
    const transcribedS = segments.reduce((s, seg) => s + (seg.to - seg.from), 0);
    const weighted = segments.reduce((s, seg) => s + seg.avgLogProb * (seg.to - seg.from), 0);
    const meanLogProb = transcribedS > 0 ? round(weighted / transcribedS) : null;
    const transcribedShare = speechS > 0 ? round(Math.min(1, transcribedS / speechS)) : null;
    const snrDb = raw.snrDb ?? null;
    const poor =
      speechS < 1
        ? 'no speech was heard'
        : snrDb === null && speechS > 0.85 * raw.durationS
          ? 'voice activity is heard almost everywhere (noise or music under the speech): too noisy to be sure what was not said'
          : snrDb !== null && snrDb < MIN_SNR_DB
          ? `the speech is only ${snrDb} dB above the background noise (< ${MIN_SNR_DB} dB): too noisy to be sure what was not said`
        : meanLogProb !== null && meanLogProb < -0.9
          ? `the recognizer is unsure of what it heard (mean log-probability ${meanLogProb})`
          : transcribedShare !== null && transcribedShare < 0.5
            ? `only ${Math.round(transcribedShare * 100)} % of the speech could be transcribed`
            : undefined;

    // Value checks use the unmasked words, in memory only.
    const rawStream = syllableStream(raw.segments.map((s) => ({ words: s.words.length ? s.words : [{ from: s.from, to: s.to, text: s.text }] })));
    const stream = syllableStream(segments);
    const values: SpeechEvidence['values'] = {};
    const valueChecks: { name: 'licence' | 'agentName'; verify: NonNullable<ValueFinding['verify']> }[] = [];
    for (const name of ['licence', 'agentName'] as const) {
      const templates = opts.expected.statements.flatMap((s) => s.phrases).filter((s) => s.includes(`{${name}}`));
      const found = templates.length && opts.values[name] ? checkValue(rawStream, templates, opts.values, name) : undefined;
      if (!found) continue;
      values[name] = found.checked;
      if (found.verify) valueChecks.push({ name, verify: found.verify });
    }
    // The policy's numbers (not personal data: the heard number is kept as evidence for the reviewer).
    const policyChecks: { name: PolicyNumber; verify: NonNullable<PolicyNumberFinding['verify']> }[] = [];
    for (const spec of opts.expected.values ?? []) {
      const record = Number(opts.values[spec.name]);
      if (opts.values[spec.name] === undefined || !Number.isFinite(record)) continue;
      const found = checkPolicyNumber(rawStream, spec, record);
      values[spec.name] = found.checked;
      if (found.verify) policyChecks.push({ name: spec.name, verify: found.verify });
    }

    // How much of the known script the transcript holds: little, over plenty of speech, means the recognizer
    // did not understand it (robotic or accented speech, a bad line), not that nothing was said.
    const groups = opts.expected.statements;
    const heardGroups = groups.filter((st) => heardClearly(rawStream, st, opts.values, 0.85)).length;
    const coverage = groups.length ? heardGroups / groups.length : null;
    const unintelligible =
      !poor && coverage !== null && groups.length >= 4 && speechS >= 20 && coverage < MIN_SCRIPT_COVERAGE
        ? `only ${heardGroups} of ${groups.length} expected statements are recognisable in ${Math.round(speechS)} s of speech: the speech is too unclear to the recognizer to be sure what was not said`
        : undefined;
    const quality = poor ?? unintelligible;

    t = Date.now();
    opts.onProgress?.('verify');
    const requests: ScoreRequest[] = [];
    for (const statement of opts.expected.statements) {
      // One wording clearly heard (or the concept's terms) settles the statement; otherwise verify every concrete wording.
      if (heardClearly(rawStream, statement, opts.values, CLEARLY_HEARD)) continue;
      const alternatives = statement.phrases;
      const heard = bestPhrase(rawStream, alternatives, 0, opts.values);
      const texts = alternatives.flatMap((t) => concreteTexts(t, opts.values)).filter((t) => normalizeForMatch(t).length >= 2).slice(0, MAX_TEXTS);
      for (const text of texts) for (const from of windowStarts(raw.speech, heard?.from ?? null)) requests.push({ text, from });
    }
    // A value close to the record but not the same: the audio decides between the record and what the recogniser wrote.
    for (const { verify } of [...valueChecks, ...policyChecks]) for (const text of [verify.record, verify.heard]) requests.push({ text, from: verify.from });
    for (const q of opts.expected.questions) {
      // Every place the question is asked (rules may take any or every asking), a few at most.
      const askings = q.phrases
        .flatMap((p) => findAll(rawStream, compilePhrase(p, opts.values), 0.6))
        .sort((a, b) => b.readRate - a.readRate)
        .slice(0, MAX_ASKINGS);
      for (const asked of askings) {
        const reply = replyRegion(raw.speech, asked.to, 6, parties);
        if (!reply) continue;
        // A reply the transcript caught as a reply word needs no verification; an empty one (a short 清楚
        // Whisper dropped) or a garbled one (一线 for 行) is scored against every reply text.
        const heard = replySyllables(rawStream, asked.end, reply);
        if (!heard.length || !heardAffirmative(heard, q.replies)) for (const text of q.replies) requests.push({ text, from: Math.max(0, reply.from - 0.1) });
      }
    }
    const unique = [...new Map(requests.map((r) => [`${r.text}@${r.from.toFixed(2)}`, r])).values()];
    const scores = await stage('verification (forced alignment)', () => opts.engine.score(workFile, unique, opts.signal));
    const verification = unique.map((r, i) => ({ text: r.text, from: round(r.from, 2), score: round(scores[i] ?? 0, 5) }));
    // The expected value's own verification score is kept as a number (its text holds the value and is not stored).
    for (const name of ['licence', 'agentName'] as const) {
      const spoken = spokenValue(opts.values[name]);
      const checked = values[name];
      if (!spoken || !checked) continue;
      const at = valueChecks.find((c) => c.name === name)?.verify;
      const scoreOf = (text: string): number | undefined => verification.find((v) => v.text === text && at && v.from === round(at.from, 2))?.score;
      const record = at ? scoreOf(at.record) : undefined;
      const scored = verification.filter((v) => normalizeForMatch(v.text).includes(spoken)).map((v) => v.score);
      if (record !== undefined || scored.length) checked.verifyScore = Math.max(record ?? 0, ...scored);
      const heard = at && at.heard !== at.record ? scoreOf(at.heard) : undefined;
      if (heard !== undefined) checked.heardScore = heard;
    }
    for (const { name, verify } of policyChecks) {
      const checked = values[name];
      const scoreOf = (text: string): number | undefined => verification.find((v) => v.text === text && v.from === round(verify.from, 2))?.score;
      const [record, heard] = [scoreOf(verify.record), scoreOf(verify.heard)];
      if (checked && record !== undefined) checked.verifyScore = record;
      if (checked && heard !== undefined) checked.heardScore = heard;
    }
    const verifyMs = Date.now() - t;
    void stream;

    let speakers: SpeechEvidence['speakers'];
    let speakersMs: number | undefined;
    if (opts.speakers !== false && speechS >= 1) {
      t = Date.now();
      opts.onProgress?.('speakers');
      speakers = await stage('speaker embedding', () => speakerEvidence(workFile, raw.speech, segments, parties));
      speakersMs = Date.now() - t;
    }
    return {
      ...header,
      audio: true,
      durationS: raw.durationS,
      vad: raw.speech,
      ...(parties ? { parties } : {}),
      ...(speakers ? { speakers } : {}),
      speechS: round(speechS, 2),
      segments,
      dropped,
      quality: { status: quality ? 'poor' : 'ok', ...(quality ? { reason: quality } : {}), meanLogProb, transcribedShare, snrDb, ...(coverage !== null ? { scriptCoverage: round(coverage) } : {}) },
      values,
      // Verification texts may carry a sidecar number: keep only texts without long digit runs.
      verification: verification.filter((v) => !/[零一二三四五六七八九]{8,}/.test(normalizeForMatch(v.text)) && !/\d{8,}/.test(v.text)),
      timing: { decodeMs, asrMs, verifyMs, ...(speakersMs !== undefined ? { speakersMs } : {}) },
    };
  } finally {
    for (const f of [workFile, ...(partFiles ?? [])]) await fs.rm(f, { force: true });
  }
}
