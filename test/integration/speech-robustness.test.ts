// Speech robustness on the real pipeline (Temporal dev server + SeaweedFS, a worker process serving the
// orchestration, media and speech queues): the robustness fixtures (fixtures/robustness.ts) — the
// compliant recording under white noise at 20, 10 and 0 dB SNR and spoken by espeak-ng, and a recording
// missing the 犹豫期 at 20 dB — generated at 360p and inspected through `dualqa eval`. The clean recordings'
// figures and CER come from the regular eval (test/integration/inspect.test.ts), so they are not repeated here. Their labels are the truth (every statement said), so a FAIL on a step labelled
// PASS is a false FAIL under any condition; poor audio must give CANNOT_JUDGE instead. Floors per
// condition: eval/floors-robustness.json. The CER per case and the figures per condition are printed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateCase, type FixtureName } from '../../fixtures/generate';
import { PROJECT_ROOT } from '../../lib/config';
import { evaluateFolder } from '../../eval/run';
import { formatCer } from '../../eval/format';
import type { EvalCase, EvalFigures } from '../../eval/metrics';
import { belowRobustnessFloors, falseFails, figuresByCondition, formatRobustness, type RobustnessFloors } from '../../eval/robustness';
import { openTestStack, type TestStack } from '../helpers/test-stack';
import { tempDir } from '../helpers/media';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

/** Only what the floors need (CI time): each condition once on the compliant script, and one dropped statement at 20 dB. */
const CASES: FixtureName[] = ['noisy_20db', 'noisy_10db', 'noisy_0db', 'robotic', 'missing_cooling_20db'];

let testStack: TestStack;
let worker: WorkerProcess | undefined;
const root = tempDir('dualqa-robust-it-');
const fixturesDir = path.join(root, 'fixtures');
let cases: EvalCase[] = [];
let byCondition = new Map<string, EvalFigures>();

const verdictOf = (name: string, step: string) => cases.find((c) => c.name === name)?.report.steps.find((s) => s.id === step);

describe('speech robustness end to end (noise 20/10/0 dB, espeak-ng; Temporal dev server + SeaweedFS)', { timeout: 25 * 60_000 }, () => {
  before(async () => {
    testStack = await openTestStack('robust', root);
    worker = startWorkerProcess(testStack.stack.info, path.join(root, 'worker'));
    const started = Date.now();
    for (const name of CASES) await generateCase(name, fixturesDir, { height: 360 });
    const seconds: string[] = [`generating ${((Date.now() - started) / 1000).toFixed(0)} s`];
    const { stack, client, uploader, reader } = testStack;
    let caseStart = Date.now();
    let current = '';
    const evaluated = await evaluateFolder({ info: stack.info, client, uploader, reader }, fixturesDir, {
      prefix: 'robust',
      outDir: path.join(root, 'eval'),
      onCase: (name) => {
        if (current) seconds.push(`${current} ${((Date.now() - caseStart) / 1000).toFixed(0)} s`);
        [current, caseStart] = [name, Date.now()];
      },
    });
    seconds.push(`${current} ${((Date.now() - caseStart) / 1000).toFixed(0)} s`);
    console.log(`wall time: ${seconds.join(', ')}`);
    cases = evaluated.cases;
    byCondition = figuresByCondition(cases);
    console.log(`${formatRobustness(byCondition, cases)}\n\n${formatCer(evaluated.figures).join('\n')}`);
    fs.mkdirSync(path.join(PROJECT_ROOT, 'out'), { recursive: true });
    const json = { all: evaluated.figures, byCondition: Object.fromEntries(byCondition) };
    fs.writeFileSync(path.join(PROJECT_ROOT, 'out', 'eval-robustness.json'), `${JSON.stringify(json, null, 2)}\n`);
  });

  after(async () => {
    await worker?.stop();
    await testStack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('every robustness case was inspected, with speech evidence from the speech queue', () => {
    assert.deepEqual(cases.map((c) => c.name).sort(), [...CASES].sort());
    for (const c of cases) assert.ok(c.speechEngine, `${c.name}: no speech evidence`);
    assert.deepEqual([...byCondition.keys()].sort(), ['noisy_0db', 'noisy_10db', 'noisy_20db', 'robotic']);
  });

  it('no false FAIL on any step at 0 dB, 10 dB or with robotic speech (CANNOT_JUDGE where unsure)', () => {
    const wrong = falseFails(cases.filter((c) => ['noisy_0db', 'noisy_10db', 'robotic'].includes(c.condition ?? '')));
    assert.deepEqual(wrong, []);
  });

  it('each condition meets its floors in eval/floors-robustness.json (false FAILs 0; statements at 20 dB)', () => {
    const floors = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'eval', 'floors-robustness.json'), 'utf8')) as RobustnessFloors;
    assert.ok(floors.conditions.noisy_20db?.statementRecall !== undefined, 'the 20 dB recall floor is set');
    assert.deepEqual(belowRobustnessFloors(byCondition, floors), [], formatRobustness(byCondition, cases));
  });

  it('a dropped statement still FAILs at 20 dB: missing_cooling_20db explanation FAILs on the 犹豫期 rule, nothing else does', () => {
    const step = verdictOf('missing_cooling_20db', 'explanation');
    assert.equal(step?.verdict, 'FAIL', step?.reasons.join('; '));
    const failing = step.rules.filter((r) => r.verdict === 'FAIL');
    assert.ok(failing.length > 0 && failing.every((r) => /犹豫期/.test(`${r.ruleId} ${r.reason}`) || /COOLING/i.test(r.ruleId)), failing.map((r) => `${r.ruleId}: ${r.reason}`).join('; '));
    assert.deepEqual(falseFails(cases.filter((c) => c.name === 'missing_cooling_20db')), []);
  });
});
