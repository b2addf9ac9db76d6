// The inspection workflow's orchestration, on Temporal's time-skipping test server with fake activities
// (a unit test may fake boundaries): the order of work, keys (never media) through history, bad media
// still producing a report, a failed analysis becoming CANNOT_JUDGE input rather than a lost recording.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { ensureTools } from '../../stack/tools';
import { TASK_QUEUES } from '../../temporal.config';
import type { InspectRecordingResult } from '../../workflows/inspect-recording';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;

type Calls = { name: string; input: unknown }[];

function fakeActivities(calls: Calls, media: (input: unknown) => Promise<unknown>): Partial<Activities> {
  const record = (name: string, input: unknown) => calls.push({ name, input });
  return {
    ingestRecording: async (input) => {
      record('ingestRecording', input);
      return { recordingId: 'rec-1', bucket: input.bucket, key: input.key, versionId: 'v1', etag: 'e1', sizeBytes: 10, sha256: 'a'.repeat(64), ingestKey: 'rec-1/ingest.json', sidecarStatus: 'absent' };
    },
    analyseMedia: async (input) => {
      record('analyseMedia', input);
      return (await media(input)) as Awaited<ReturnType<Activities['analyseMedia']>>;
    },
    analyseSpeech: async (input) => {
      record('analyseSpeech', input);
      return { speechKey: 'rec-1/speech.json' };
    },
    judgeRecording: async (input) => {
      record('judgeRecording', input);
      return { judgementKey: 'rec-1/judgements/x.json', verdict: 'FAIL', rulebook: 'cn-national@1.0.0', steps: [] };
    },
    writeReport: async (input) => {
      record('writeReport', input);
      return { reportKey: 'rec-1/r1/report.json', htmlKey: 'rec-1/r1/report.html', revision: 1, verdict: 'FAIL', summary: 'x' };
    },
  };
}

async function run(calls: Calls, media: (input: unknown) => Promise<unknown>, input: { rulebook?: string } = {}): Promise<InspectRecordingResult> {
  const activities = fakeActivities(calls, media);
  const orchestration = await Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUES.orchestration, workflowBundle: bundle, activities });
  const mediaWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUES.media, activities });
  const speechWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUES.speech, activities });
  return orchestration.runUntil(
    speechWorker.runUntil(
     mediaWorker.runUntil(
      env.client.workflow.execute('inspectRecording', {
        taskQueue: TASK_QUEUES.orchestration,
        workflowId: `wf-${Math.random().toString(36).slice(2)}`,
        args: [{ bucket: 'recordings', key: 'a.mp4', indexSearchAttributes: false, ...input }],
      }) as Promise<InspectRecordingResult>,
     ),
    ),
  );
}

describe('inspectRecording workflow (time-skipping test server)', () => {
  before(async () => {
    const tools = await ensureTools();
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: tools.temporalTestServer } } });
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
  });
  after(async () => {
    await env?.teardown();
  });

  it('ingests, analyses, judges and reports in that order, passing only keys', async () => {
    const calls: Calls = [];
    const result = await run(calls, async () => ({ integrityKey: 'rec-1/integrity.json', readable: true, durationS: 60, defectTypes: [] }));
    // Media and speech run side by side on their own queues, after ingest and before judging.
    const names = calls.map((c) => c.name);
    assert.equal(names[0], 'ingestRecording');
    assert.deepEqual(names.slice(1, 3).sort(), ['analyseMedia', 'analyseSpeech']);
    assert.deepEqual(names.slice(3), ['judgeRecording', 'writeReport']);
    const judgeInput = calls[3]!.input as { evidenceKeys: Record<string, string>; failures: Record<string, string> };
    assert.deepEqual(judgeInput.evidenceKeys, { ingest: 'rec-1/ingest.json', integrity: 'rec-1/integrity.json', speech: 'rec-1/speech.json' });
    assert.deepEqual(judgeInput.failures, {});
    assert.equal(result.reportKey, 'rec-1/r1/report.json');
    assert.equal(result.sha256, 'a'.repeat(64));
  });

  it('tells the media analysis the rulebook it was started with (the rulebook names the document keyword table)', async () => {
    const calls: Calls = [];
    await run(calls, async () => ({ integrityKey: 'rec-1/integrity.json', readable: true, durationS: 60, defectTypes: [] }), { rulebook: 'cn-national@1.3.0' });
    const mediaInput = calls.find((c) => c.name === 'analyseMedia')!.input as { rulebook?: string };
    assert.equal(mediaInput.rulebook, 'cn-national@1.3.0');
    const plain: Calls = [];
    await run(plain, async () => ({ integrityKey: 'rec-1/integrity.json', readable: true, durationS: 60, defectTypes: [] }));
    assert.equal('rulebook' in (plain.find((c) => c.name === 'analyseMedia')!.input as object), false, 'absent: the activity uses the default rulebook');
  });

  it('still writes a report when the media is bad, using the evidence the failing activity stored, without retrying', async () => {
    const calls: Calls = [];
    await run(calls, async () => {
      throw ApplicationFailure.create({ message: 'the file is empty (0 bytes)', type: 'BadMedia', nonRetryable: true, details: [{ integrityKey: 'rec-1/integrity.json', problem: 'empty' }] });
    });
    assert.equal(calls.filter((c) => c.name === 'analyseMedia').length, 1, 'bad media must not be retried');
    const judgeInput = calls.find((c) => c.name === 'judgeRecording')!.input as { evidenceKeys: Record<string, string> };
    assert.equal(judgeInput.evidenceKeys.integrity, 'rec-1/integrity.json');
    assert.ok(calls.some((c) => c.name === 'writeReport'));
  });

  it('retries a transient failure, then reports what could not be analysed instead of losing the recording', async () => {
    const calls: Calls = [];
    let attempts = 0;
    await run(calls, async () => {
      attempts++;
      throw new Error('S3 connection reset');
    });
    assert.ok(attempts > 1, 'a transient error is retried');
    const judgeInput = calls.find((c) => c.name === 'judgeRecording')!.input as { failures: Record<string, string>; evidenceKeys: Record<string, string> };
    assert.match(judgeInput.failures.integrity ?? '', /S3 connection reset/);
    assert.equal(judgeInput.evidenceKeys.integrity, undefined);
    assert.ok(calls.some((c) => c.name === 'writeReport'));
  });
});
