// Figures per variety (eval/variety.ts) on hand-made labels and reports: grouping by set and style tag, the
// compliant-step rates, FAIL recall on planted faults, verdicts, and the per-rule calibration table.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { EvalCase } from '../../eval/metrics';
import { figuresBySet, figuresByStyle, formatVariety, readVariety, ruleCalibration } from '../../eval/variety';
import { STEP_IDS, type Labels, type StepId, type Verdict } from '../../lib/labelled';
import type { Report } from '../../report/types';

type Rule = [ruleId: string, verdict: Verdict, reason?: string];

/** A case whose steps are labelled `want` (default PASS) and reported `got` (default PASS), with rule outcomes. */
function evalCase(
  name: string,
  opts: { set?: string; styles?: string[]; want?: Partial<Record<StepId, Verdict>>; got?: Partial<Record<StepId, Verdict>>; rules?: Partial<Record<StepId, Rule[]>> } = {},
): EvalCase {
  const want = Object.fromEntries(STEP_IDS.map((id) => [id, opts.want?.[id] ?? 'PASS'])) as Record<StepId, Verdict>;
  const got = Object.fromEntries(STEP_IDS.map((id) => [id, opts.got?.[id] ?? 'PASS'])) as Record<StepId, Verdict>;
  const labels: Labels = { version: 1, steps: want, faces: [], documents: [], speech: [], defects: [] };
  const verdicts = Object.values(got);
  const report = {
    verdict: verdicts.includes('FAIL') ? 'FAIL' : verdicts.includes('CANNOT_JUDGE') ? 'CANNOT_JUDGE' : 'PASS',
    steps: STEP_IDS.map((id) => ({
      id,
      verdict: got[id],
      reasons: [],
      rules: (opts.rules?.[id] ?? [[`${id.toUpperCase()}-R`, got[id]]]).map(([ruleId, verdict, reason]) => ({ ruleId, verdict, reason: reason ?? `${ruleId} ${verdict}`, evidence: [] })),
    })),
    faces: [],
    documents: [],
    speech: [],
    defects: [],
  } as unknown as Report;
  return { name, labels, report, ...(opts.set ? { variety: { set: opts.set, styles: opts.styles ?? [] } } : {}) };
}

const CASES: EvalCase[] = [
  // Ours (no side-file): both compliant and right.
  evalCase('fx-ok'),
  evalCase('fx-cooling', { want: { explanation: 'FAIL' }, got: { explanation: 'FAIL' } }),
  // Other scripts: one compliant recording false-FAILed on explanation (cooling not recognised), one whose
  // clear answer cannot be judged, one planted fault missed.
  evalCase('o1', {
    set: 'other',
    styles: ['audio:gated', 'docs:screen'],
    got: { explanation: 'FAIL' },
    rules: { explanation: [['EXPL-COOLING', 'FAIL', '犹豫期 not said'], ['EXPL-SURRENDER', 'PASS']] },
  }),
  evalCase('o2', { set: 'other', styles: ['audio:room', 'docs:screen'], got: { clear_answer: 'CANNOT_JUDGE' }, rules: { clear_answer: [['ANSWER-CLEAR', 'CANNOT_JUDGE']] } }),
  evalCase('o3', {
    set: 'other',
    styles: ['audio:gated', 'docs:hand'],
    want: { explanation: 'FAIL' },
    got: { explanation: 'PASS' },
    rules: { explanation: [['EXPL-COOLING', 'PASS'], ['EXPL-SURRENDER', 'PASS']] },
  }),
  // Sealed: a fault found; a rule that does not apply is not counted.
  evalCase('s1', {
    set: 'sealed',
    styles: ['audio:gated'],
    want: { clear_answer: 'FAIL' },
    got: { clear_answer: 'FAIL' },
    rules: { agent_identity: [['AGENT-FACE', 'CANNOT_JUDGE'], ['AGENT-LICENCE-SHOWN', 'PASS']], clear_answer: [['ANSWER-CLEAR', 'FAIL', 'a bare 嗯']] },
  }),
];
// AGENT-FACE does not apply in s1 (no enrolled photo): mark it so.
(CASES[5]!.report.steps.find((s) => s.id === 'agent_identity')!.rules[0] as { applies?: boolean }).applies = false;

describe('figures per variety', () => {
  it('groups by set in a fixed order (a case without a side-file is ours), then all', () => {
    const groups = figuresBySet(CASES);
    assert.deepEqual(
      groups.map((g) => [g.group, g.cases]),
      [
        ['ours', 2],
        ['other', 3],
        ['sealed', 1],
        ['all', 6],
      ],
    );
  });

  it('rates: false FAIL and CANNOT_JUDGE over steps labelled PASS, FAIL recall over steps labelled FAIL, verdicts', () => {
    const other = figuresBySet(CASES).find((g) => g.group === 'other')!;
    // o1: 10 compliant steps, o2: 10, o3: 9 (explanation labelled FAIL).
    assert.equal(other.compliantSteps, 29);
    assert.equal(other.falseFailRate, Math.round((1 / 29) * 10000) / 10000);
    assert.equal(other.cannotJudgeRate, Math.round((1 / 29) * 10000) / 10000);
    assert.equal(other.faultSteps, 1);
    assert.equal(other.failRecall, 0);
    // o1 FAILed (labelled PASS), o2 CANNOT_JUDGE (labelled PASS), o3 PASS (labelled FAIL): none right.
    assert.equal(other.verdictRight, 0);
    assert.equal(other.compliantCases, 2);
    assert.equal(other.compliantFailed, 1);
    assert.equal(other.steps.explanation.labelled, 3);
    assert.equal(other.steps.explanation.right, 1);
    assert.equal(other.steps.clear_answer.accuracy, Math.round((2 / 3) * 10000) / 10000);
    const ours = figuresBySet(CASES).find((g) => g.group === 'ours')!;
    assert.deepEqual([ours.falseFailRate, ours.cannotJudgeRate, ours.failRecall, ours.verdictRate], [0, 0, 1, 1]);
  });

  it('groups by style tag: a case counts under each of its tags; untagged cases under none', () => {
    const byStyle = figuresByStyle(CASES);
    assert.deepEqual(
      byStyle.map((g) => [g.group, g.cases]),
      [
        ['audio:gated', 3],
        ['audio:room', 1],
        ['docs:hand', 1],
        ['docs:screen', 2],
      ],
    );
    const gated = byStyle.find((g) => g.group === 'audio:gated')!;
    assert.equal(gated.falseFailRate, Math.round((1 / 28) * 10000) / 10000); // o1 10 + o3 9 + s1 9 compliant steps
    assert.equal(gated.failRecall, 0.5); // o3 missed, s1 found
  });

  it('calibration: per rule, FAIL and CANNOT_JUDGE on steps labelled PASS only, per set, not-applying rules left out', () => {
    const rows = ruleCalibration(CASES);
    const row = (id: string) => rows.find((r) => r.ruleId === id);
    assert.deepEqual(rows[0] && [rows[0].ruleId, rows[0].fail], ['EXPL-COOLING', 1]);
    // EXPL-COOLING: judged on compliant explanation steps only (o1); o3's explanation is labelled FAIL.
    assert.deepEqual([row('EXPL-COOLING')!.judged, row('EXPL-COOLING')!.fail, row('EXPL-COOLING')!.failRate], [1, 1, 1]);
    assert.deepEqual(row('EXPL-COOLING')!.bySet, { other: { judged: 1, fail: 1, cannotJudge: 0 } });
    assert.match(row('EXPL-COOLING')!.examples[0]!, /^o1: 犹豫期 not said/);
    assert.deepEqual([row('ANSWER-CLEAR')!.judged, row('ANSWER-CLEAR')!.cannotJudge], [1, 1]); // o2 only: s1's clear_answer is a fault
    // A sealed case's false alarm is counted, but its reason (what was heard) is never quoted.
    const sealedAlarm = evalCase('s2', { set: 'sealed', got: { disclosure: 'FAIL' }, rules: { disclosure: [['DISC-ASKED', 'FAIL', 'closest heard “某句话”']] } });
    const disc = ruleCalibration([...CASES, sealedAlarm]).find((r) => r.ruleId === 'DISC-ASKED')!;
    assert.deepEqual([disc.fail, disc.examples], [1, []]);
    assert.equal(row('AGENT-FACE'), undefined);
    assert.equal(row('AGENT-LICENCE-SHOWN')!.judged, 1);
    // Rules that never raised anything come after those that did.
    const firstQuiet = rows.findIndex((r) => r.fail === 0 && r.cannotJudge === 0);
    assert.ok(rows.slice(firstQuiet).every((r) => r.fail === 0 && r.cannotJudge === 0));
  });

  it('prints the set table, per-step accuracy by set, the style table and the calibration table', () => {
    const text = formatVariety(CASES);
    assert.match(text, /figures per set/);
    assert.match(text, /^our script\s+2/m);
    assert.match(text, /^other scripts\s+3/m);
    assert.match(text, /^sealed\s+1/m);
    assert.match(text, /^explanation\s/m);
    assert.match(text, /figures per style tag/);
    assert.match(text, /^EXPL-COOLING\s+explanation\s+1\s+100\.0%/m);
    assert.match(text, /EXPL-COOLING — o1: 犹豫期 not said/);
  });

  it('reads NAME.variety.json and refuses an unknown set', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'variety-'));
    try {
      const ok = path.join(dir, 'a.variety.json');
      fs.writeFileSync(ok, JSON.stringify({ variety: true, set: 'sealed', insurer: { id: 'x-life', name: 'X' }, styles: ['audio:gated'], fault: null, seed: 1, source: 'f' }));
      assert.deepEqual(readVariety(ok), { set: 'sealed', styles: ['audio:gated'], insurer: 'x-life', fault: null });
      const bad = path.join(dir, 'b.variety.json');
      fs.writeFileSync(bad, JSON.stringify({ variety: true, set: 'theirs', styles: [] }));
      assert.throws(() => readVariety(bad));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
