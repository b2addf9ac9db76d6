// Varied recordings on the real pipeline (Temporal dev server + SeaweedFS, a worker process): a fixed sample
// of the varied cases (fixtures/varied.ts ciSample) — other insurers' wordings and the sealed check set,
// noise-gated audio, screen-shared documents, remote tiles, moved statements, planted faults — generated at
// 360p and inspected through `dualqa eval`. Prints the figures per set and per style tag and the per-rule
// calibration table (eval/variety.ts), and holds each set to eval/floors-varied.json. Measured 2026-12-07 on
// the loaded 2-core machine: 8.5 min (generating the six cases 77 s, inspecting each 61–79 s).
//
// The floors are what the judge measured when this test was written (before the matcher work of issue #17),
// not what it should reach: they only stop things getting worse. EXPECTED TO TIGHTEN once the matcher lands:
// `maxCompliantFailed` towards 0 (no compliant recording may FAIL overall) and `minFailRecall` towards 1
// (every planted fault FAILs its step) — raise them in eval/floors-varied.json from the new measurement.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ciSample, generateVariedCase } from '../../fixtures/varied';
import { PROJECT_ROOT } from '../../lib/config';
import { evaluateFolder } from '../../eval/run';
import type { EvalCase } from '../../eval/metrics';
import { figuresBySet, figuresByStyle, formatVariety, ruleCalibration, type GroupFigures } from '../../eval/variety';
import { openTestStack, type TestStack } from '../helpers/test-stack';
import { tempDir } from '../helpers/media';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

interface VariedFloors {
  /** Per set: at most this many compliant recordings FAILed overall, FAIL recall on planted faults at least this. */
  sets: Record<string, { maxCompliantFailed: number; minFailRecall: number }>;
  /** Compliant cases whose continuity FAILed (a screen share or a noise gate taken for a splice). */
  maxContinuityFalseFails: number;
}

const SAMPLE = ciSample();

let testStack: TestStack;
let worker: WorkerProcess | undefined;
const root = tempDir('dualqa-varied-it-');
const fixturesDir = path.join(root, 'fixtures');
let cases: EvalCase[] = [];
let bySet: GroupFigures[] = [];

describe('varied recordings end to end (other scripts, sealed set, gated audio, screen share; Temporal + SeaweedFS)', { timeout: 30 * 60_000 }, () => {
  before(async () => {
    testStack = await openTestStack('varied', root);
    worker = startWorkerProcess(testStack.stack.info, path.join(root, 'worker'));
    const started = Date.now();
    for (const spec of SAMPLE) await generateVariedCase(spec, fixturesDir, { height: 360 });
    const seconds: string[] = [`generating ${((Date.now() - started) / 1000).toFixed(0)} s`];
    const { stack, client, uploader, reader } = testStack;
    let caseStart = Date.now();
    let current = '';
    const evaluated = await evaluateFolder({ info: stack.info, client, uploader, reader }, fixturesDir, {
      prefix: 'varied',
      outDir: path.join(root, 'eval'),
      onCase: (name) => {
        if (current) seconds.push(`${current} ${((Date.now() - caseStart) / 1000).toFixed(0)} s`);
        [current, caseStart] = [name, Date.now()];
      },
    });
    seconds.push(`${current} ${((Date.now() - caseStart) / 1000).toFixed(0)} s`);
    console.log(`wall time: ${seconds.join(', ')}`);
    cases = evaluated.cases;
    bySet = figuresBySet(cases);
    console.log(formatVariety(cases));
    fs.mkdirSync(path.join(PROJECT_ROOT, 'out'), { recursive: true });
    const json = { all: evaluated.figures, bySet, byStyle: figuresByStyle(cases), rules: ruleCalibration(cases) };
    fs.writeFileSync(path.join(PROJECT_ROOT, 'out', 'eval-varied.json'), `${JSON.stringify(json, null, 2)}\n`);
  });

  after(async () => {
    await worker?.stop();
    await testStack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('every sampled case was inspected, with its variety side-file and speech evidence', () => {
    assert.deepEqual(cases.map((c) => c.name).sort(), SAMPLE.map((s) => s.name).sort());
    for (const c of cases) {
      assert.ok(c.variety, `${c.name}: no variety side-file read`);
      assert.ok(c.speechEngine, `${c.name}: no speech evidence`);
      assert.equal(c.report.sidecar.status, 'ok', `${c.name}: sidecar ${c.report.sidecar.problem ?? ''}`);
    }
  });

  it('the picture and the timeline: co-framing never FAILs a compliant case; continuity false FAILs within the floor', () => {
    const floors = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'eval', 'floors-varied.json'), 'utf8')) as VariedFloors;
    const compliant = cases.filter((x) => !x.variety?.fault);
    for (const c of compliant) {
      const got = c.report.steps.find((s) => s.id === 'coframing');
      assert.notEqual(got?.verdict, 'FAIL', `${c.name} coframing: ${got?.reasons.join('; ')}`);
    }
    // A screen-shared document appears at once and a noise gate opens with the speech: neither is a splice.
    // Measured before the matcher work: the splice check FAILs continuity on gated + screen-shared cases.
    // TIGHTEN: maxContinuityFalseFails → 0 once the integrity check tells a screen share from a splice.
    const cont = compliant.filter((c) => c.report.steps.find((s) => s.id === 'continuity')?.verdict === 'FAIL');
    if (cont.length) console.log(`continuity FAILed on compliant cases: ${cont.map((c) => c.name).join(', ')}`);
    assert.ok(cont.length <= floors.maxContinuityFalseFails, `${cont.length} > ${floors.maxContinuityFalseFails}: ${cont.map((c) => c.name).join(', ')}`);
  });

  it('each set holds its floors in eval/floors-varied.json (measured before the matcher work; expected to tighten)', () => {
    const floors = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'eval', 'floors-varied.json'), 'utf8')) as VariedFloors;
    const below: string[] = [];
    for (const [set, f] of Object.entries(floors.sets)) {
      const g = bySet.find((x) => x.group === set);
      if (!g) {
        below.push(`${set}: no case of this set in the sample`);
        continue;
      }
      // TIGHTEN: maxCompliantFailed → 0 once the matcher lands (a compliant recording must not FAIL).
      if (g.compliantFailed > f.maxCompliantFailed) below.push(`${set}: ${g.compliantFailed}/${g.compliantCases} compliant recordings FAILed (floor ${f.maxCompliantFailed})`);
      // TIGHTEN: minFailRecall → 1 (every planted fault FAILs its step).
      if (g.failRecall !== null && g.failRecall < f.minFailRecall) below.push(`${set}: FAIL recall ${g.failRecall} < ${f.minFailRecall}`);
    }
    assert.deepEqual(below, [], formatVariety(cases));
  });
});
