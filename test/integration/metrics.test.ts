// Worker metrics on the real stack: a `dualqa worker` process with DUALQA_METRICS_PORT serves Prometheus
// text with the Temporal SDK's metrics and ours (recordings inspected by verdict, activity durations).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startInspection } from '../../intake/inspections';
import { freePort } from '../../stack/ports';
import { makeClip, tempDir } from '../helpers/media';
import { openTestStack, type TestStack } from '../helpers/test-stack';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

const root = tempDir('dualqa-metrics-');
let t: TestStack;
let worker: WorkerProcess | undefined;
let port: number;

async function scrape(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

/** The value of the first sample whose name and labels match. */
function sample(text: string, pattern: RegExp): number | undefined {
  const line = text.split('\n').find((l) => !l.startsWith('#') && pattern.test(l));
  return line === undefined ? undefined : Number(line.trim().split(/\s+/).at(-1));
}

describe('worker Prometheus metrics (DUALQA_METRICS_PORT)', { timeout: 5 * 60_000 }, () => {
  before(async () => {
    t = await openTestStack('metrics', root);
    port = await freePort();
    worker = startWorkerProcess(t.stack.info, path.join(root, 'worker'), 'orchestration,media,speech', { DUALQA_METRICS_PORT: String(port) });
  });

  after(async () => {
    await worker?.stop();
    await t?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves SDK metrics and counts inspections by verdict with activity durations', async () => {
    const clip = await makeClip(path.join(root, 'clip.mp4'), { durationS: 3 });
    const keys = ['metrics/a.mp4', 'metrics/b.mp4'];
    for (const key of keys) await t.uploader.fPutObject(t.stack.info.buckets.recordings, key, clip, {});
    const verdicts: string[] = [];
    for (const key of keys) verdicts.push((await (await startInspection(t.client, t.reader, { bucket: t.stack.info.buckets.recordings, key })).result()).verdict);

    const text = await scrape();
    // Ours: one count per report, under the verdict the report carries.
    const counted = sample(text, new RegExp(`^dualqa_recordings_inspected_total\\{[^}]*verdict="${verdicts[0]}"`));
    assert.equal(counted, verdicts.filter((v) => v === verdicts[0]).length, text.split('\n').filter((l) => l.includes('dualqa_')).join('\n'));
    for (const activity of ['ingestRecording', 'analyseMedia', 'judgeRecording', 'writeReport']) {
      const n = sample(text, new RegExp(`^dualqa_activity_duration_count\\{[^}]*activity_type="${activity}"[^}]*outcome="completed"`));
      assert.ok(n !== undefined && n >= keys.length, `${activity} durations recorded (${n})`);
    }
    // The SDK's: activity latency and schedule-to-start (queue lag) per task queue.
    assert.match(text, /^temporal_activity_execution_latency_(bucket|count)\{/m);
    assert.match(text, /^temporal_activity_schedule_to_start_latency_(bucket|count)\{[^}]*task_queue="dualqa-media"/m);
    // Nothing that names a recording.
    assert.doesNotMatch(text, /metrics\/a\.mp4|recording_?id/i);
  });
});
