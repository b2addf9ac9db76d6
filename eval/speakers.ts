// Speaker and delivery figures (issue #22), per case type: how much labelled speech the speaker turns give
// to the right party (per speech second: right, uncertain, wrong, not covered), 代答 precision/recall (a
// labelled proxy answer — `proxy: true` — FAILed by a customer_answers rule as said in the agent's voice), and
// the delivery rules' precision/recall (a labelled `delivery: fast | half` statement FAILed by a *-RATE /
// *-COVERAGE rule whose evidence overlaps it). Pure: labels, speaker turns and reports in, tables out.
//
//   node dist/eval/speakers.js LABELLED_DIR KEPT_EVIDENCE_DIR [--rulebook ref]   (re-judges kept evidence; no stack)
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Labels } from '../lib/labelled';
import type { SpeakerTurn } from '../speech/speaker/turns';
import type { EvalCase } from './metrics';

export interface OutcomeLike {
  ruleId: string;
  verdict: string;
  applies?: boolean;
  reason: string;
  evidence: { from: number; to: number }[];
}

export interface SpeakerCase {
  name: string;
  /** The case type, e.g. `speaker:proxy` (the `case:` style tag), or `compliant` for a case without one. */
  type: string;
  /** `voices:distinct` / `voices:close` when the side-file says. */
  voices?: string;
  labels: Labels;
  /** Who speaks when: the evidence's speaker turns, or the report's `voices` (the same turns). */
  turns: Pick<SpeakerTurn, 'from' | 'to' | 'speaker'>[] | null;
  outcomes: OutcomeLike[];
}

export interface Count {
  hit: number;
  of: number;
}

export interface SpeakerFigures {
  group: string;
  cases: number;
  /** Labelled speech seconds (sampled every 0.1 s) whose turn names the labelled speaker, says uncertain, names the other, or none. */
  turns: { seconds: number; right: number | null; uncertain: number | null; wrong: number | null; uncovered: number | null };
  /** 代答: labelled proxy answers FAILed as such (recall), FAILs that are on a labelled proxy answer (precision). */
  proxy: { recall: Count; precision: Count };
  rate: { recall: Count; precision: Count };
  coverage: { recall: Count; precision: Count };
}

const STEP_S = 0.1;
const PROXY_RE = /代答/;

type Span = { from: number; to: number };
const overlaps = (a: Span, b: Span): boolean => a.from < b.to && b.from < a.to;

function turnFigures(cases: SpeakerCase[]): SpeakerFigures['turns'] {
  let n = 0;
  const tally = { right: 0, uncertain: 0, wrong: 0, uncovered: 0 };
  for (const c of cases) {
    for (const s of c.labels.speech) {
      if (s.speaker !== 'agent' && s.speaker !== 'customer') continue;
      for (let t = s.from + STEP_S / 2; t < s.to; t += STEP_S) {
        n++;
        const turn = c.turns?.find((x) => x.from <= t && t < x.to);
        if (!turn) tally.uncovered++;
        else if (turn.speaker === 'uncertain') tally.uncertain++;
        else if (turn.speaker === s.speaker) tally.right++;
        else tally.wrong++;
      }
    }
  }
  const share = (k: number): number | null => (n ? Math.round((k / n) * 10000) / 10000 : null);
  return { seconds: Math.round(n * STEP_S * 10) / 10, right: share(tally.right), uncertain: share(tally.uncertain), wrong: share(tally.wrong), uncovered: share(tally.uncovered) };
}

/** Recall over labelled spans; precision over FAILs of the rules `isRule` picks (`isFinding` narrows which FAILs count). */
function findings(cases: SpeakerCase[], isTarget: (s: Labels['speech'][number]) => boolean, isFinding: (o: OutcomeLike) => boolean): { recall: Count; precision: Count } {
  const recall = { hit: 0, of: 0 };
  const precision = { hit: 0, of: 0 };
  for (const c of cases) {
    const targets = c.labels.speech.filter(isTarget);
    const found = c.outcomes.filter((o) => o.applies !== false && o.verdict === 'FAIL' && isFinding(o));
    for (const t of targets) {
      recall.of++;
      if (found.some((o) => o.evidence.some((e) => overlaps(e, { from: t.from - 0.5, to: t.to + 0.5 })))) recall.hit++;
    }
    for (const o of found) {
      precision.of++;
      if (targets.some((t) => o.evidence.some((e) => overlaps(e, { from: t.from - 0.5, to: t.to + 0.5 })))) precision.hit++;
    }
  }
  return { recall, precision };
}

const extra = (s: Labels['speech'][number], key: string): unknown => (s as Record<string, unknown>)[key];

export function speakerFigures(group: string, cases: SpeakerCase[]): SpeakerFigures {
  return {
    group,
    cases: cases.length,
    turns: turnFigures(cases),
    proxy: findings(cases, (s) => extra(s, 'proxy') === true, (o) => PROXY_RE.test(o.reason)),
    rate: findings(cases, (s) => extra(s, 'delivery') === 'fast', (o) => o.ruleId.endsWith('-RATE')),
    coverage: findings(cases, (s) => extra(s, 'delivery') === 'half', (o) => o.ruleId.endsWith('-COVERAGE')),
  };
}

/** Per case type, per voices tag, and all. */
export function speakerTable(cases: SpeakerCase[]): SpeakerFigures[] {
  const groups = new Map<string, SpeakerCase[]>();
  const add = (k: string, c: SpeakerCase): void => void groups.set(k, [...(groups.get(k) ?? []), c]);
  for (const c of cases) {
    add(`case:${c.type}`, c);
    if (c.voices) add(c.voices, c);
  }
  return [...[...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => speakerFigures(k, v)), speakerFigures('all', cases)];
}

const pc = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const ratio = (c: Count): string => (c.of ? `${((c.hit / c.of) * 100).toFixed(0)}% (${c.hit}/${c.of})` : '–');

export function formatSpeakerTable(rows: SpeakerFigures[]): string {
  const head = ['group', 'cases', 'speech s', 'right', 'uncertain', 'wrong', 'no turn', '代答 recall', '代答 precision', 'rate recall', 'rate precision', 'coverage recall', 'coverage precision'];
  const lines = rows.map((r) => [r.group, String(r.cases), String(r.turns.seconds), pc(r.turns.right), pc(r.turns.uncertain), pc(r.turns.wrong), pc(r.turns.uncovered), ratio(r.proxy.recall), ratio(r.proxy.precision), ratio(r.rate.recall), ratio(r.rate.precision), ratio(r.coverage.recall), ratio(r.coverage.precision)]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [head, ...lines].map((l) => l.map((x, i) => x.padEnd(widths[i]!)).join('  ')).join('\n');
}

/** Floors (eval/floors-speakers.json): per group, figure → minimum (shares) or maximum (`wrongMax`). */
export type SpeakerFloors = Record<string, { right?: number; wrongMax?: number; proxyRecall?: number; proxyPrecision?: number; rateRecall?: number; ratePrecision?: number; coverageRecall?: number; coveragePrecision?: number }>;

export function belowSpeakerFloors(rows: SpeakerFigures[], floors: SpeakerFloors): string[] {
  const out: string[] = [];
  const share = (c: Count): number | null => (c.of ? c.hit / c.of : null);
  for (const [group, f] of Object.entries(floors)) {
    if (group.startsWith('_')) continue;
    const r = rows.find((x) => x.group === group);
    if (!r) {
      out.push(`${group}: no cases`);
      continue;
    }
    const mins: [string, number | undefined, number | null][] = [
      ['right', f.right, r.turns.right],
      ['proxyRecall', f.proxyRecall, share(r.proxy.recall)],
      ['proxyPrecision', f.proxyPrecision, share(r.proxy.precision)],
      ['rateRecall', f.rateRecall, share(r.rate.recall)],
      ['ratePrecision', f.ratePrecision, share(r.rate.precision)],
      ['coverageRecall', f.coverageRecall, share(r.coverage.recall)],
      ['coveragePrecision', f.coveragePrecision, share(r.coverage.precision)],
    ];
    for (const [name, floor, value] of mins) if (floor !== undefined && (value === null || value < floor - 1e-9)) out.push(`${group} ${name} ${value ?? '–'} < ${floor}`);
    if (f.wrongMax !== undefined && (r.turns.wrong ?? 0) > f.wrongMax + 1e-9) out.push(`${group} wrong ${r.turns.wrong} > ${f.wrongMax}`);
  }
  return out;
}

function speakerCase(name: string, styles: readonly string[], labels: Labels, turns: SpeakerCase['turns'], outcomes: OutcomeLike[]): SpeakerCase {
  return {
    name,
    type: styles.find((s) => s.startsWith('case:'))?.slice(5) ?? 'compliant',
    voices: styles.find((s) => s.startsWith('voices:')),
    labels,
    turns,
    outcomes,
  };
}

/** Whether a case carries speaker labels: a `voices:` style tag, or a labelled 代答 answer or badly delivered statement. */
export function hasSpeakerLabels(styles: readonly string[], labels: Labels): boolean {
  return styles.some((s) => s.startsWith('voices:')) || labels.speech.some((s) => extra(s, 'proxy') === true || extra(s, 'delivery') !== undefined);
}

/** The speaker cases of a `dualqa eval` (inspected or judged again from kept evidence), from their reports. */
export function speakerCasesOfEval(cases: readonly EvalCase[]): SpeakerCase[] {
  return cases
    .filter((c) => hasSpeakerLabels(c.variety?.styles ?? [], c.labels))
    .map((c) => speakerCase(c.name, c.variety?.styles ?? [], c.labels, c.report.voices ?? null, c.report.steps.flatMap((s) => s.rules)));
}

/** The cases of a labelled folder with an eval's kept evidence beside it, judged again with `rulebookRef` (no stack). */
export async function speakerCasesFromKept(dir: string, kept: string, rulebookRef: string): Promise<SpeakerCase[]> {
  // Loaded here, not at the top: the pure figures above need neither the judge nor the rulebooks.
  const { judge } = await import('../judge/judge');
  const { loadRulebook } = await import('../rules/load');
  const { labelsSchema } = await import('../lib/labelled');
  const book = loadRulebook(rulebookRef);
  const cases: SpeakerCase[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.labels.json')).sort()) {
    const name = f.replace(/\.labels\.json$/, '');
    const evFile = path.join(kept, name, 'evidence.json');
    if (!fs.existsSync(evFile)) continue;
    const evidence = (JSON.parse(fs.readFileSync(evFile, 'utf8')) as { evidence: Parameters<typeof judge>[0] }).evidence;
    const sideFile = path.join(dir, `${name}.variety.json`);
    const styles = fs.existsSync(sideFile) ? ((JSON.parse(fs.readFileSync(sideFile, 'utf8')) as { styles?: string[] }).styles ?? []) : [];
    const speakers = evidence.speech?.speakers;
    const labels = labelsSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    cases.push(speakerCase(name, styles, labels, speakers && 'turns' in speakers ? speakers.turns : null, judge(evidence, book).steps.flatMap((s) => s.rules)));
  }
  return cases;
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const take = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const rulebookRef = take('--rulebook') ?? 'cn-national@1.6.0';
  const floorsFile = take('--floors');
  const [dir, kept] = args;
  if (!dir || !kept) throw new Error('usage: node dist/eval/speakers.js LABELLED_DIR KEPT_EVIDENCE_DIR [--rulebook ref] [--floors file]');
  const cases = await speakerCasesFromKept(dir, kept, rulebookRef);
  const rows = speakerTable(cases);
  process.stdout.write(`${cases.length} cases, rulebook ${rulebookRef}\n${formatSpeakerTable(rows)}\n`);
  if (floorsFile) {
    const below = belowSpeakerFloors(rows, JSON.parse(fs.readFileSync(floorsFile, 'utf8')) as SpeakerFloors);
    for (const b of below) process.stderr.write(`below floor: ${b}\n`);
    if (below.length) process.exitCode = 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
