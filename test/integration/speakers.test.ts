// Speaker and delivery cases on the real pipeline (Temporal dev server + SeaweedFS, a worker process), issue
// #22: four of fixtures/speakers.ts's cases on distinct voices — 代答 on one room microphone and on a
// microphone per party, a statement read at 1.6×, one broken off — generated at 360p, inspected through the
// pipeline, their kept evidence judged with the candidate rulebook cn-national@1.6.0 and held to
// eval/floors-speakers.json for the groups they make up (eval/speakers.ts); the reports' speaker figures
// (dualqa eval's table) agree with the evidence's. 3.8 minutes on the 2-core machine at load 5.5 (2026-12-08).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateCase } from '../../fixtures/generate';
import { PROJECT_ROOT } from '../../lib/config';
import { evaluateFolder } from '../../eval/run';
import { belowSpeakerFloors, formatSpeakerTable, speakerCasesFromKept, speakerCasesOfEval, speakerTable, type SpeakerCase, type SpeakerFloors } from '../../eval/speakers';
import { openTestStack, type TestStack } from '../helpers/test-stack';
import { tempDir } from '../helpers/media';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

const SAMPLE = ['proxy_onsite', 'proxy_stereo', 'fast_exclusions', 'half_exclusions'] as const;
const RULEBOOK = 'cn-national@1.6.0';

let testStack: TestStack;
let worker: WorkerProcess | undefined;
const root = tempDir('dualqa-speakers-it-');
const fixturesDir = path.join(root, 'fixtures');
const evalDir = path.join(root, 'eval');
let cases: SpeakerCase[] = [];
/** The same cases as dualqa eval sees them: turns and rules from the reports. */
let fromReports: SpeakerCase[] = [];

describe('speaker and delivery recordings end to end (代答, too fast, half read; Temporal + SeaweedFS)', { timeout: 20 * 60_000 }, () => {
  before(async () => {
    testStack = await openTestStack('speakers', root);
    worker = startWorkerProcess(testStack.stack.info, path.join(root, 'worker'));
    for (const name of SAMPLE) await generateCase(name, fixturesDir, { height: 360 });
    const { stack, client, uploader, reader } = testStack;
    const evaluated = await evaluateFolder({ info: stack.info, client, uploader, reader }, fixturesDir, { prefix: 'speakers', outDir: evalDir, rulebook: RULEBOOK });
    fromReports = speakerCasesOfEval(evaluated.cases);
    cases = await speakerCasesFromKept(fixturesDir, evalDir, RULEBOOK);
    console.log(formatSpeakerTable(speakerTable(cases)));
  });

  after(async () => {
    await worker?.stop();
    await testStack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('every case was inspected with speaker turns in its evidence', () => {
    assert.deepEqual(cases.map((c) => c.name).sort(), [...SAMPLE].sort());
    for (const c of cases) assert.ok(c.turns?.length, `${c.name}: no speaker turns`);
  });

  it('gives dualqa eval the same speaker figures from the reports as from the evidence', () => {
    assert.deepEqual(speakerTable(fromReports), speakerTable(cases));
  });

  it('FAILs the agent’s answers on her own microphone as 代答 (proxy_stereo)', () => {
    const stereo = cases.find((c) => c.name === 'proxy_stereo')!;
    assert.ok(stereo.outcomes.some((o) => o.verdict === 'FAIL' && /代答 .*agent's microphone/.test(o.reason)), stereo.outcomes.map((o) => `${o.ruleId} ${o.verdict}`).join(', '));
  });

  it('holds the groups these cases make up to eval/floors-speakers.json', () => {
    const rows = speakerTable(cases);
    const floors = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'eval', 'floors-speakers.json'), 'utf8')) as SpeakerFloors;
    const present = Object.fromEntries(Object.entries(floors).filter(([g]) => rows.some((r) => r.group === g)));
    assert.ok(Object.keys(present).length >= 3, `groups: ${rows.map((r) => r.group).join(', ')}`);
    assert.deepEqual(belowSpeakerFloors(rows, present), []);
  });
});
