// Accuracy of reports against labelled recordings (shared/reference/labelled-recordings.md). Pure: the
// caller supplies labels and reports. A CANNOT_JUDGE counts as not right and never as a false FAIL; its
// rate is reported on its own.
import { STEP_IDS, type Defect, type Labels, type StepId, type Verdict } from '../lib/labelled';
import { round } from '../lib/numbers';
import type { Report } from '../report/types';
import { documentFigures, ratio, type DocumentFigures, type ReportedShowing } from './documents';
import { characterErrorRate, pooledCer, timelineText, type CerFigure } from './cer';

export interface EvalCase {
  name: string;
  labels: Labels;
  report: Report;
  /** The documents evidence's showings (types, times, legibility, masked/hashed numbers); else the report's timeline is used. */
  documentShowings?: ReportedShowing[];
  /** The speech engine and model that wrote the transcript (engine name@version), when speech was analysed. */
  speechEngine?: string;
  /** For robustness cases (NAME.robustness.json): the audio condition, e.g. noisy_20db. */
  condition?: string;
  /** For varied cases (NAME.variety.json, eval/variety.ts): the wording set (ours / other / sealed) and style tags. */
  variety?: { set: string; styles: string[]; insurer?: string; fault?: string | null };
}

export interface StepFigures {
  step: StepId | 'overall';
  labelled: number;
  correct: number;
  accuracy: number | null;
  /** Of the labelled FAILs, the share reported FAIL. */
  failRecall: number | null;
  /** Of the labelled PASSes, the share reported FAIL. */
  falseFailRate: number | null;
  cannotJudgeRate: number | null;
}

export interface DefectFigures {
  type: string;
  labelled: number;
  reported: number;
  matched: number;
  precision: number | null;
  recall: number | null;
  meanTimingErrorS: number | null;
}

export interface EvalFigures {
  cases: number;
  steps: StepFigures[];
  /** Over recordings whose video could be decoded; seconds of undecodable ones are counted apart. */
  facesPerSecond: { seconds: number; correct: number; accuracy: number | null; undecodableSeconds: number };
  /** Type precision/recall, showing times within ±tolerance, numbers read exactly on legible showings (eval/documents.ts). */
  documents: Omit<DocumentFigures, 'misses'>;
  /** `matched` counts labelled statements found; precision counts reported ones that are right (one reported segment may hold several). */
  statements: { labelled: number; reported: number; matched: number; reportedRight: number; precision: number | null; recall: number | null };
  defects: DefectFigures[];
  /** Character error rate of the reports' transcripts against the labelled speech, pooled over the cases (eval/cer.ts). */
  speechCer: CerFigure;
  /** `cer`: this case's transcript against its labelled speech. */
  perCase: { name: string; verdict: Verdict; expected: Verdict | null; wrongSteps: string[]; cer: CerFigure; speechEngine: string | null; condition: string | null }[];
}

/** How labelled-recordings.md combines step verdicts into the recording's. */
export function combineLabelled(steps: Labels['steps']): Verdict | null {
  const v = Object.values(steps);
  if (v.length === 0) return null;
  if (v.includes('FAIL')) return 'FAIL';
  if (v.includes('CANNOT_JUDGE')) return 'CANNOT_JUDGE';
  return 'PASS';
}

function stepFigures(step: StepFigures['step'], pairs: { expected: Verdict; got: Verdict }[]): StepFigures {
  const fails = pairs.filter((p) => p.expected === 'FAIL');
  const passes = pairs.filter((p) => p.expected === 'PASS');
  return {
    step,
    labelled: pairs.length,
    correct: pairs.filter((p) => p.expected === p.got).length,
    accuracy: ratio(pairs.filter((p) => p.expected === p.got).length, pairs.length),
    failRecall: ratio(fails.filter((p) => p.got === 'FAIL').length, fails.length),
    falseFailRate: ratio(passes.filter((p) => p.got === 'FAIL').length, passes.length),
    cannotJudgeRate: ratio(pairs.filter((p) => p.got === 'CANNOT_JUDGE').length, pairs.length),
  };
}

function countAt(spans: { from: number; to: number; count: number }[], t: number): number | undefined {
  return spans.find((s) => t >= s.from && t < s.to)?.count;
}

/** When a defect happens: its instant, or its start. */
function defectTime(d: { at?: number; from?: number }): number | undefined {
  return d.at ?? d.from;
}

function overlapS(a: { from: number; to: number }, b: { from: number; to: number }): number {
  return Math.max(0, Math.min(a.to, b.to) - Math.max(a.from, b.from));
}

export function evaluate(cases: EvalCase[], toleranceS = 1, options: { hashKey?: string } = {}): EvalFigures {
  const steps: StepFigures[] = STEP_IDS.map((id) =>
    stepFigures(
      id,
      cases.flatMap((c) => {
        const expected = c.labels.steps[id];
        const got = c.report.steps.find((s) => s.id === id)?.verdict;
        return expected && got ? [{ expected, got }] : [];
      }),
    ),
  );
  steps.push(
    stepFigures(
      'overall',
      cases.flatMap((c) => {
        const expected = combineLabelled(c.labels.steps);
        return expected ? [{ expected, got: c.report.verdict }] : [];
      }),
    ),
  );

  let seconds = 0;
  let secondsRight = 0;
  let undecodableSeconds = 0;
  for (const c of cases) {
    if (c.labels.faces.length === 0) continue;
    const end = Math.max(...c.labels.faces.map((f) => f.to));
    if (!c.report.media?.video) {
      undecodableSeconds += Math.floor(end);
      continue;
    }
    for (let t = 0.5; t < end; t += 1) {
      seconds++;
      if (countAt(c.labels.faces, t) === countAt(c.report.faces, t)) secondsRight++;
    }
  }

  const { misses: _misses, ...docs } = documentFigures(
    cases.map((c) => ({ labelled: c.labels.documents, reported: c.documentShowings ?? c.report.documents })),
    { toleranceS, ...(options.hashKey ? { hashKey: options.hashKey } : {}) },
  );
  const statements = { labelled: 0, reported: 0, matched: 0, reportedRight: 0 };
  for (const c of cases) {
    const wanted = c.labels.speech.filter((s) => s.step);
    const said = c.report.speech.filter((s) => s.step);
    statements.labelled += wanted.length;
    statements.reported += said.length;
    statements.matched += wanted.filter((l) => said.some((r) => r.step === l.step && overlapS(l, r) > 0)).length;
    statements.reportedRight += said.filter((r) => wanted.some((l) => r.step === l.step && overlapS(l, r) > 0)).length;
  }

  const types = [...new Set(cases.flatMap((c) => [...c.labels.defects, ...c.report.defects].map((d) => d.type)))].sort();
  const defects: DefectFigures[] = types.map((type) => {
    let labelled = 0;
    let reported = 0;
    let matched = 0;
    let reportedRight = 0;
    const errors: number[] = [];
    for (const c of cases) {
      const want = c.labels.defects.filter((d) => d.type === type);
      const got: Defect[] = c.report.defects.filter((d) => d.type === type);
      // labelled-recordings.md: a splice seen as a clock_jump at the same instant counts as finding the cut.
      const seenAs: Defect[] = type === 'cut' ? c.report.defects.filter((d) => d.type === 'clock_jump') : [];
      labelled += want.length;
      reported += got.length;
      const used = new Set<number>();
      const usedAs = new Set<number>();
      const near = (g: Defect, wt: number | undefined) => wt === undefined || defectTime(g) === undefined || Math.abs(defectTime(g)! - wt) <= toleranceS;
      for (const w of want) {
        const wt = defectTime(w);
        const i = got.findIndex((g, gi) => !used.has(gi) && near(g, wt));
        if (i < 0) {
          const j = seenAs.findIndex((g, gi) => !usedAs.has(gi) && near(g, wt));
          if (j >= 0) {
            usedAs.add(j);
            matched++;
          }
          continue;
        }
        used.add(i);
        reportedRight++;
        matched++;
        const gt = defectTime(got[i]!);
        if (wt !== undefined && gt !== undefined) errors.push(Math.abs(gt - wt));
      }
    }
    return {
      type,
      labelled,
      reported,
      matched,
      precision: ratio(reportedRight, reported),
      recall: ratio(matched, labelled),
      meanTimingErrorS: errors.length ? round(errors.reduce((a, b) => a + b, 0) / errors.length, 2) : null,
    };
  });

  const cer = new Map(cases.map((c) => [c.name, characterErrorRate(timelineText(c.labels.speech), timelineText(c.report.speech))]));

  return {
    cases: cases.length,
    steps,
    facesPerSecond: { seconds, correct: secondsRight, accuracy: ratio(secondsRight, seconds), undecodableSeconds },
    documents: docs,
    statements: { ...statements, precision: ratio(statements.reportedRight, statements.reported), recall: ratio(statements.matched, statements.labelled) },
    defects,
    speechCer: pooledCer([...cer.values()]),
    perCase: cases.map((c) => ({
      name: c.name,
      verdict: c.report.verdict,
      expected: combineLabelled(c.labels.steps),
      wrongSteps: STEP_IDS.filter((id) => c.labels.steps[id] && c.labels.steps[id] !== c.report.steps.find((s) => s.id === id)?.verdict).map(
        (id) => `${id}: ${c.labels.steps[id]}→${c.report.steps.find((s) => s.id === id)?.verdict ?? '?'}`,
      ),
      cer: cer.get(c.name)!,
      speechEngine: c.speechEngine ?? null,
      condition: c.condition ?? null,
    })),
  };
}

export interface Floors {
  steps?: Partial<Record<StepId | 'overall', number>>;
  maxFalseFailRate?: number;
  facesPerSecond?: number;
  defectPrecision?: number;
  defectRecall?: number;
  documentPrecision?: number;
  documentRecall?: number;
  statementPrecision?: number;
  statementRecall?: number;
  /** Share of matched document showings whose from and to are within ±1 s of the labels. */
  documentTiming?: number;
  /** Share of labelled legible 执业证 / 身份证 showings whose number was read exactly. */
  documentNumbers?: number;
  /** Defect types whose precision/recall the floors apply to (those this version detects). */
  defectTypes?: string[];
}

/** Every figure below its floor, as a sentence; empty when all hold. */
export function belowFloors(figures: EvalFigures, floors: Floors): string[] {
  const out: string[] = [];
  for (const [step, floor] of Object.entries(floors.steps ?? {})) {
    const s = figures.steps.find((x) => x.step === step);
    if (s?.accuracy === null || s === undefined) out.push(`${step}: no labelled case`);
    else if (s.accuracy < floor) out.push(`${step} accuracy ${s.accuracy} < ${floor}`);
  }
  if (floors.maxFalseFailRate !== undefined) {
    for (const s of figures.steps) if (s.falseFailRate !== null && s.falseFailRate > floors.maxFalseFailRate) out.push(`${s.step} false-FAIL rate ${s.falseFailRate} > ${floors.maxFalseFailRate}`);
  }
  if (floors.facesPerSecond !== undefined && (figures.facesPerSecond.accuracy ?? 0) < floors.facesPerSecond) {
    out.push(`faces per second ${figures.facesPerSecond.accuracy} < ${floors.facesPerSecond}`);
  }
  if (floors.documentPrecision !== undefined && (figures.documents.precision ?? 0) < floors.documentPrecision) out.push(`documents precision ${figures.documents.precision} < ${floors.documentPrecision}`);
  if (floors.documentRecall !== undefined && (figures.documents.recall ?? 0) < floors.documentRecall) out.push(`documents recall ${figures.documents.recall} < ${floors.documentRecall}`);
  if (floors.statementPrecision !== undefined && (figures.statements.precision ?? 0) < floors.statementPrecision) out.push(`statements precision ${figures.statements.precision} < ${floors.statementPrecision}`);
  if (floors.statementRecall !== undefined && (figures.statements.recall ?? 0) < floors.statementRecall) out.push(`statements recall ${figures.statements.recall} < ${floors.statementRecall}`);
  if (floors.documentTiming !== undefined && (figures.documents.timingWithinTolerance ?? 0) < floors.documentTiming) {
    out.push(`document times within ±1 s ${figures.documents.timingWithinTolerance} < ${floors.documentTiming}`);
  }
  if (floors.documentNumbers !== undefined && (figures.documents.numbers.rate ?? 0) < floors.documentNumbers) {
    out.push(`numbers read exactly ${figures.documents.numbers.rate} < ${floors.documentNumbers}`);
  }
  for (const d of figures.defects.filter((x) => !floors.defectTypes || floors.defectTypes.includes(x.type))) {
    if (floors.defectPrecision !== undefined && d.precision !== null && d.precision < floors.defectPrecision) out.push(`${d.type} precision ${d.precision} < ${floors.defectPrecision}`);
    if (floors.defectRecall !== undefined && d.recall !== null && d.recall < floors.defectRecall) out.push(`${d.type} recall ${d.recall} < ${floors.defectRecall}`);
  }
  return out;
}
