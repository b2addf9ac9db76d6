// The eval figures as a table a person reads in a terminal or a CI log.
import type { EvalFigures } from './metrics';

export const pct = (v: number | null): string => (v === null ? '   –  ' : `${(v * 100).toFixed(1).padStart(5)}%`);

export function formatFigures(f: EvalFigures): string {
  const lines = [`${f.cases} labelled recordings`, '', 'step                 n   accuracy  FAIL recall  false FAIL  CANNOT_JUDGE'];
  for (const s of f.steps) {
    lines.push(`${s.step.padEnd(18)} ${String(s.labelled).padStart(3)}   ${pct(s.accuracy)}     ${pct(s.failRecall)}      ${pct(s.falseFailRate)}     ${pct(s.cannotJudgeRate)}`);
  }
  lines.push('');
  lines.push(`faces per second   ${pct(f.facesPerSecond.accuracy)} of ${f.facesPerSecond.seconds} s decoded (${f.facesPerSecond.undecodableSeconds} s in files that could not be decoded)`);
  lines.push(`documents          precision ${pct(f.documents.precision)}  recall ${pct(f.documents.recall)}  (${f.documents.matched}/${f.documents.labelled} labelled, ${f.documents.reported} reported)`);
  lines.push(`  showing times    ${pct(f.documents.timingWithinTolerance)} within ±1 s (${f.documents.timed}/${f.documents.matched})`);
  lines.push(`  numbers read     ${pct(f.documents.numbers.rate)} exactly (${f.documents.numbers.exact}/${f.documents.numbers.legible} legible 执业证/身份证 showings; compared by ${f.documents.numbers.basis})`);
  lines.push(`statements         precision ${pct(f.statements.precision)}  recall ${pct(f.statements.recall)}  (${f.statements.matched}/${f.statements.labelled} labelled, ${f.statements.reported} reported)`);
  lines.push('', 'defect          labelled reported  precision  recall  mean |Δt|');
  for (const d of f.defects) {
    lines.push(`${d.type.padEnd(15)} ${String(d.labelled).padStart(8)} ${String(d.reported).padStart(8)}    ${pct(d.precision)}  ${pct(d.recall)}  ${d.meanTimingErrorS === null ? '  –' : `${d.meanTimingErrorS.toFixed(2)} s`}`);
  }
  lines.push('', ...formatCer(f));
  const wrong = f.perCase.filter((c) => c.wrongSteps.length);
  if (wrong.length) {
    lines.push('', 'cases with steps not as labelled (→ what the report said):');
    for (const c of wrong) lines.push(`  ${c.name}: ${c.wrongSteps.join(', ')}`);
  }
  return lines.join('\n');
}

/** Character error rate per case and pooled (masked digit runs count as errors, see eval/cer.ts). */
export function formatCer(f: Pick<EvalFigures, 'perCase' | 'speechCer'>): string[] {
  const lines = [
    'speech CER (transcript vs labelled text; simplified, numbers spoken, no punctuation; masked digits count as errors)',
    'case                       CER    edits / chars  engine',
  ];
  const row = (name: string, c: EvalFigures['speechCer'], engine = ''): string =>
    `${name.padEnd(24)} ${pct(c.cer)}  ${String(c.edits).padStart(6)} / ${String(c.referenceChars).padEnd(5)}  ${engine}`.trimEnd();
  for (const c of f.perCase) lines.push(row(c.name, c.cer, c.speechEngine ?? '–'));
  lines.push(row('all (pooled)', f.speechCer));
  return lines;
}
