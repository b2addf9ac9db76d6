// The review page's speech lane (issue #22): the transcript's utterances coloured by who speaks — the
// report's speaker turns (agent, customer) — with uncertain turns marked, not guessed. Reports without
// speaker turns keep one colour, with the speaker turn order gave where it gave one.
import type { Report, ReportVoiceTurn } from '../report/types';

export interface LaneSeg {
  from: number;
  to: number;
  /** CSS classes after `seg speech`: the speaker, and `uncertain` on a turn the voices could not attribute. */
  cls: string;
  title: string;
}

const WHO: Record<ReportVoiceTurn['speaker'], string> = { agent: 'agent 业务员', customer: 'customer 客户', uncertain: 'uncertain 未能区分' };

/** The lane's segments: one per speaker turn with the words said in it, else one per utterance. */
export function speechLane(report: Pick<Report, 'speech' | 'voices'>): LaneSeg[] {
  const turns = report.voices ?? [];
  if (!turns.length) return report.speech.map((s) => ({ from: s.from, to: s.to, cls: '', title: `${s.speaker ?? ''} ${s.text}`.trim() }));
  return turns.map((t) => {
    const words = report.speech
      .filter((s) => s.from < t.to && t.from < s.to)
      .map((s) => s.text)
      .join(' ');
    const how = `${t.source}${t.margin === null ? '' : `, margin ${t.margin.toFixed(2)}`}`;
    return { from: t.from, to: t.to, cls: t.speaker === 'uncertain' ? 'uncertain' : t.speaker, title: `${WHO[t.speaker]} (${how}) ${t.from.toFixed(1)}–${t.to.toFixed(1)} s: ${words}` };
  });
}

/** Colours of the lane (added to the page's style): agent blue, customer green, uncertain grey and hatched. */
export const SPEECH_LANE_STYLE =
  '.seg.speech.agent{background:#4a6fd1}.seg.speech.customer{background:#2f9e5a}' +
  '.seg.speech.uncertain{background:repeating-linear-gradient(45deg,#b8bcc4 0 3px,#fff 3px 6px);outline:1px dashed #667}' +
  '.swatch{display:inline-block;width:10px;height:10px;margin:0 3px 0 8px;vertical-align:middle}';

/** A legend for the lane, shown only when the report has speaker turns. */
export function speechLegend(report: Pick<Report, 'voices'>): string {
  if (!report.voices?.length) return '';
  const sw = (cls: string, label: string): string => `<span class="seg speech ${cls} swatch" style="position:static"></span>${label}`;
  return `<div class="legend">speech 语音: ${sw('agent', WHO.agent)}${sw('customer', WHO.customer)}${sw('uncertain', WHO.uncertain)}</div>`;
}
