// Speaker and delivery cases on the real pipeline (Temporal dev server + SeaweedFS, a worker process), issue
// #22: three of fixtures/speakers.ts's cases on distinct voices — 代答 on one room microphone, a statement
// read at 1.6×, one broken off — generated at 360p, inspected through the pipeline, their kept evidence
// judged with the candidate rulebook cn-national@1.6.0 and held to eval/floors-speakers.json for the groups
// they make up (eval/speakers.ts). About 6 minutes on the loaded 2-core machine.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateCase } from '../../fixtures/generate';
import { PROJECT_ROOT } from '../../lib/config';
import { evaluateFolder } from '../../eval/run';
import { belowSpeakerFloors, formatSpeakerTable, speakerCasesFromKept, speakerTable, type SpeakerCase, type SpeakerFloors } from '../../eval/speakers';
import { openTestStack, type TestStack } from '../helpers/test-stack';
import { tempDir } from '../helpers/media';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

const SAMPLE = ['proxy_onsite', 'fast_exclusions', 'half_exclusions'] as const;
const RULEBOOK = 'cn-national@1.6.0';

let testStack: TestStack;
let worker: WorkerProcess | undefined;
const root = tempDir('dualqa-speakers-it-');
const fixturesDir = path.join(root, 'fixtures');
const evalDir = path.join(root, 'eval');
let cases: SpeakerCase[] = [];

describe('speaker and delivery recordings end to end (代答, too fast, half read; Temporal + SeaweedFS)', { timeout: 20 * 60_000 }, () => {
  before(async () => {
    testStack = await openTestStack('speakers', root);
    worker = startWorkerProcess(testStack.stack.info, path.join(root, 'worker'));
    for (const name of SAMPLE) await generateCase(name, fixturesDir, { height: 360 });
    const { stack, client, uploader, reader } = testStack;
    await evaluateFolder({ info: stack.info, client, uploader, reader }, fixturesDir, { prefix: 'speakers', outDir: evalDir, rulebook: RULEBOOK });
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

  it('holds the groups these cases make up to eval/floors-speakers.json', () => {
    const rows = speakerTable(cases);
    const floors = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'eval', 'floors-speakers.json'), 'utf8')) as SpeakerFloors;
    const present = Object.fromEntries(Object.entries(floors).filter(([g]) => rows.some((r) => r.group === g)));
    assert.ok(Object.keys(present).length >= 3, `groups: ${rows.map((r) => r.group).join(', ')}`);
    assert.deepEqual(belowSpeakerFloors(rows, present), []);
  });
});
