// From the engine's raw output to the transcript kept as evidence: simplified characters, Whisper's
// known failures set aside with the reason (text where no one speaks, repetition loops, the stock phrases
// it invents on silence), and long digit runs (licence, ID, phone numbers) masked.
import type { RawSegment, RawTranscript, TimedWord } from './engine';
import { toSimplified } from './normalize';

export interface TranscriptSegment {
  from: number;
  to: number;
  text: string;
  avgLogProb: number;
  noSpeechProb: number;
  words: TimedWord[];
}

export interface DroppedSegment {
  from: number;
  to: number;
  reason: string;
}

/** Phrases Whisper produces from silence or music (learnt from subtitled videos), never said in a sale. */
const STOCK_HALLUCINATIONS = [/请不吝点赞/, /订阅.*转发/, /字幕(由|提供|制作)/, /谢谢(大家)?观看/, /明镜与点点/, /优优独播剧场/];

const DIGIT_CHARS = '0-9零一二三四五六七八九幺〇';

/** Masks runs of 8+ digits (spoken or written), keeping the first 4 and last 3 as reports do. */
export function maskDigitRuns(text: string): string {
  return text.replace(new RegExp(`[${DIGIT_CHARS}]{8,}`, 'g'), (run) => {
    const chars = [...run];
    return chars.slice(0, 4).join('') + '*'.repeat(chars.length - 7) + chars.slice(-3).join('');
  });
}

/** Masks a segment's words with the same ranges as its text, so times stay with their characters. */
function maskWords(words: TimedWord[]): { text: string; words: TimedWord[] } {
  const joined = words.map((w) => w.text).join('');
  const masked = [...maskDigitRuns(joined)];
  let at = 0;
  const out = words.map((w) => {
    const len = [...w.text].length;
    const text = masked.slice(at, at + len).join('');
    at += len;
    return { ...w, text };
  });
  return { text: masked.join('').trim(), words: out };
}

/** A phrase of two or more characters repeated four or more times in a row: a decoding loop. */
function repetitionLoop(text: string): boolean {
  return /(.{2,12}?)\1{3,}/u.test(text.replace(/[\s，。,.!?！？、]/g, ''));
}

function overlapsSpeech(seg: RawSegment, speech: RawTranscript['speech']): boolean {
  return speech.some((r) => seg.from < r.to && r.from < seg.to);
}

export function cleanTranscript(raw: RawTranscript): { segments: TranscriptSegment[]; dropped: DroppedSegment[] } {
  const segments: TranscriptSegment[] = [];
  const dropped: DroppedSegment[] = [];
  for (const seg of raw.segments) {
    const simplified = toSimplified(seg.text);
    const drop = (reason: string): void => {
      dropped.push({ from: seg.from, to: seg.to, reason });
    };
    if (!overlapsSpeech(seg, raw.speech)) drop('text where voice activity detection heard no speech');
    else if (STOCK_HALLUCINATIONS.some((re) => re.test(simplified))) drop('a stock phrase Whisper invents on silence or music');
    else if (seg.compressionRatio > 2.4 || repetitionLoop(simplified)) drop('a repetition loop');
    else if (seg.noSpeechProb > 0.6 && seg.avgLogProb < -1) drop('the model judged it not speech');
    else {
      const words = seg.words.length ? seg.words : [{ from: seg.from, to: seg.to, text: seg.text, p: Math.exp(seg.avgLogProb) }];
      const masked = maskWords(words.map((w) => ({ ...w, text: toSimplified(w.text) })));
      segments.push({ from: seg.from, to: seg.to, text: masked.text, avgLogProb: seg.avgLogProb, noSpeechProb: seg.noSpeechProb, words: masked.words });
    }
  }
  return { segments, dropped };
}
