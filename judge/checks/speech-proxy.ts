// 代答 (rulebook 1.6.0 candidate, issue #22): a customer's answer said by the agent. Three findings, from
// the speaker evidence of speech/speaker/turns.ts and the parties of speech/parties.ts:
// - by voice: the reply region is mostly in turns attributed to the agent with a clear margin (FAIL);
// - by microphone: with a microphone per party, the agent's own channel carries an answer right after the
//   question while the customer's is silent (FAIL: on two channels this is not "no reply", it is 代答);
// - a lean: the reply's voice leans to the agent but is too short or too close to tell (CANNOT_JUDGE: never
//   a FAIL on an uncertain voice, and no PASS either).
import type { SpeechEvidence } from '../../evidence/types';
import { speakerOf } from '../../speech/parties';
import { heardAffirmative, replyRegion, replySyllables, type Span } from '../../speech/reply';
import type { Syllable } from '../../speech/syllables';
import type { CheckOf } from './shared';

type Rule = CheckOf<'customer_answers'>;

/** The particles that end a question (with Whisper's usual stand-ins: 罢 and 嘛 for 吧 and 吗). */
export const QUESTION_END = /^[吗吧呢罢嘛]$/;
/** Question words and particles anywhere in a reply. */
export const QUESTION_IN_REPLY = new RegExp(`${QUESTION_END.source.slice(1, -1)}|是否|请问|是不是|对不对|好不好|可以吗`);

/** A reply in place of the customer's is reply-length; a longer turn on the agent's microphone is the agent going on. */
const CHANNEL_REPLY_MAX_S = 4;
/** How far into a turn its answer may come (没有，都明白 has 明白 at the 4th syllable); as speech-answers.ts. */
const OPENING_SYLLABLES = 6;

/** Turns inside a region with the seconds each overlaps it. */
function turnsIn(speech: SpeechEvidence, region: Span) {
  const speakers = speech.speakers;
  if (!speakers || 'problem' in speakers) return [];
  return speakers.turns.map((t) => ({ t, s: Math.min(t.to, region.to) - Math.max(t.from, region.from) })).filter((x) => x.s > 0);
}

/**
 * The reply spoken by the agent (代答) by voice: most of the reply region in turns attributed to the agent
 * with a clear margin, when two voices were told apart; a short reply all of it, with `shortMinMargin` unless
 * an enrolled profile confirmed the agent's voice. Evidence in words, or null.
 */
export function proxyByVoice(rule: Rule, speech: SpeechEvidence, region: Span): string | null {
  const setting = rule.proxyAnswer;
  const speakers = speech.speakers;
  if (!setting || !speakers || 'problem' in speakers || speakers.voices !== 2) return null;
  const inside = turnsIn(speech, region);
  const total = inside.reduce((n, x) => n + x.s, 0);
  // A short reply (嗯, 对, 清楚): every turn the agent's, by the enrolled profile's margin or a stricter one.
  const short = region.to - region.from < setting.minS;
  const byVoice = (x: (typeof inside)[number]): boolean => x.t.speaker === 'agent' && (x.t.source === 'voice' || x.t.source === 'profile');
  const bar = (x: (typeof inside)[number]): number => (short && x.t.source !== 'profile' ? setting.shortMinMargin : setting.minMargin);
  const agent = inside.filter((x) => byVoice(x) && (x.t.margin ?? 0) >= bar(x));
  const agentS = agent.reduce((n, x) => n + x.s, 0);
  if (total <= 0 || agentS < (short ? 1 : 0.8) * total - 1e-9 || inside.some((x) => x.t.speaker === 'customer')) return null;
  const sims = agent.map((x) => `${x.t.from.toFixed(1)}–${x.t.to.toFixed(1)} s: agent ${x.t.simAgent?.toFixed(2)}, customer ${x.t.simCustomer?.toFixed(2)}`);
  return `${agentS.toFixed(1)} of ${total.toFixed(1)} s attributed to the agent's voice; ${sims.slice(0, 3).join('; ')}`;
}

/**
 * A reply whose voice leans to the agent (closer to the agent's voice than the customer's by the turn
 * model's own margin over most of it, no part the customer's) that `proxyByVoice` could not decide: too
 * short (< minS) or under the rule's margin. Not proof of 代答 and not a customer's answer: CANNOT_JUDGE.
 */
export function leansToAgent(rule: Rule, speech: SpeechEvidence, region: Span): string | null {
  const speakers = speech.speakers;
  if (!rule.proxyAnswer || !speakers || 'problem' in speakers || speakers.voices !== 2) return null;
  const inside = turnsIn(speech, region).filter((x) => x.t.source === 'voice' || x.t.source === 'profile');
  const total = inside.reduce((n, x) => n + x.s, 0);
  if (total <= 0 || inside.some((x) => x.t.speaker === 'customer')) return null;
  // Half the rule's margin: the margin the turn model itself attributes at (MIN_MARGIN, speech/speaker/turns.ts).
  const leaning = inside.filter((x) => (x.t.margin ?? -1) >= rule.proxyAnswer!.minMargin / 2);
  const leanS = leaning.reduce((n, x) => n + x.s, 0);
  if (leanS < 0.8 * total) return null;
  return leaning.map((x) => `${x.t.from.toFixed(1)}–${x.t.to.toFixed(1)} s: agent ${x.t.simAgent?.toFixed(2)}, customer ${x.t.simCustomer?.toFixed(2)} (${x.t.speaker})`).slice(0, 3).join('; ');
}

export interface ChannelProxy {
  region: Span;
  text: string;
  because: string;
}

/**
 * 代答 on a microphone per party: the first speech after the question (within the reply window) is on the
 * agent's own channel, reply-length, holds no question, and reads as an answer — it opens with one of the
 * rule's answers (affirmative, negative or filler), or, for a rule that accepts any reply, the customer's
 * channel stays silent through the whole window. The customer's channel is silent until that turn ends.
 */
export function proxyOnAgentChannel(rule: Rule, speech: SpeechEvidence, stream: Syllable[], asked: { to: number; end: number }): ChannelProxy | null {
  const parties = speech.parties;
  if (!rule.proxyAnswer || !parties?.separated) return null;
  const own = speech.vad.find((r) => r.from <= asked.to && asked.to < r.to);
  const after = own ? own.to : asked.to;
  const first = speech.vad.find((r) => r.from >= after - 0.01 && r.from <= after + rule.windowS);
  if (!first || speakerOf(parties, first) !== 'agent' || first.to - first.from > CHANNEL_REPLY_MAX_S) return null;
  const customer = replyRegion(speech.vad, asked.to, rule.windowS, parties);
  if (customer && customer.from < first.to) return null;
  const words = replySyllables(stream, asked.end, first);
  const text = words.map((s) => s.char).join('');
  if (!text || QUESTION_IN_REPLY.test(text)) return null;
  const opening = words.slice(0, OPENING_SYLLABLES);
  const answer = heardAffirmative(opening, [...rule.affirmative, ...rule.negative, ...rule.filler]);
  if (!answer && !(rule.accept === 'any' && !customer)) return null;
  const level = parties.regions.find((r) => Math.abs(r.from - first.from) < 0.01)?.diffDb;
  const because = `on the agent's microphone (${parties.source}${level !== undefined ? `, ${Math.abs(level).toFixed(0)} dB over the other` : ''}) while the customer's is silent${customer ? ` until ${customer.from.toFixed(1)} s` : ' through the reply window'}${answer ? `; it opens with the answer ${answer}` : ''}`;
  return { region: { from: first.from, to: first.to }, text, because };
}
