// Where the picture shows no document but the words say one is being shown ("这是我的身份证", "请看我的
// 执业证"), the OCR may have missed it (a small screen-share overlay, a card held at an angle): the two
// analysers disagree, so a reviewer looks, instead of a FAIL. A request ("请出示身份证") is not a showing.
import type { SpeechEvidence } from '../../evidence/types';
import { compilePhrase, findAll } from '../../speech/match';
import type { EvidenceItem } from '../types';
import { streamOf } from './speech-common';

/** How each document type is named in speech. */
const SPOKEN_NAMES: Record<string, string[]> = {
  agent_licence: ['执业证', '执业证书', '展业证', '工作证'],
  id_card: ['身份证', '身份证件'],
  risk_notice: ['投保提示书', '提示书'],
  policy_terms: ['保险条款', '条款'],
  exclusions: ['责任免除', '免责条款'],
};

/** Words just before the name that make it a showing, not a request: 这是(我的), 请看/给您看(一下)(我的), 我出示一下. */
const SHOWING_BEFORE = ['这是', '这就是', '这个是', '请看', '请您看', '您看', '给您看', '看一下', '我出示', '向您出示', '展示'];
/** Syllables allowed between the showing words and the name (我的, 一下我的). */
const MAX_BETWEEN = 4;

/** Times the transcript says a document of this type is being shown, as evidence items. */
export function saidShown(speech: SpeechEvidence | undefined, type: string): EvidenceItem[] {
  const names = SPOKEN_NAMES[type];
  if (!speech?.audio || !names) return [];
  const stream = streamOf(speech);
  const found: EvidenceItem[] = [];
  for (const name of names) {
    for (const m of findAll(stream, compilePhrase(name), 0.85)) {
      const before = stream.slice(Math.max(0, m.start - MAX_BETWEEN - 3), m.start).map((s) => s.char).join('');
      const at = Math.min(...SHOWING_BEFORE.map((w) => before.lastIndexOf(w)).filter((i) => i >= 0));
      if (!Number.isFinite(at)) continue;
      if (found.some((f) => Math.abs(f.from - m.from) < 1)) continue;
      found.push({ from: m.from, to: m.to, kind: 'speech:showing', text: `${before.slice(at)}${m.heard}` });
    }
  }
  return found.sort((a, b) => a.from - b.from);
}
