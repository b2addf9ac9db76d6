// Benchmark: a batch of N recordings (default 200) dropped into the bucket and inspected without a manual
// start (the discovery schedule finds them) by worker processes on this machine. Prints recordings per
// hour, machine and worker CPU utilisation, the peak RSS of each worker's process tree (/proc), and
// checks the batch ended with exactly one report per recording and every original unchanged.
//
//   npm run build && node dist/bench/batch-200.js
//   BENCH_BATCH=5 (recordings)  BENCH_HEIGHT=360|720  BENCH_WORKERS=1 (worker processes)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dataDir } from '../lib/config';
import type { Client } from '@temporalio/client';
import { discoveryScheduleId, ensureDiscoverySchedule } from '../intake/discovery';
import { generateCase } from '../fixtures/generate';
import { probeMedia } from '../media/probe';
import { awaitBatch, dropBatch } from '../test/helpers/batch';
import { openTestStack } from '../test/helpers/test-stack';
import { startWorkerProcess, type WorkerProcess } from '../test/helpers/worker-process';
import { machineCpu, sampleTreeRss, treeCpuSeconds } from './process-tree';

const BATCH = Number(process.env.BENCH_BATCH ?? 200);
const HEIGHT = Number(process.env.BENCH_HEIGHT ?? 720) === 360 ? 360 : 720;
const WORKERS = Math.max(1, Number(process.env.BENCH_WORKERS ?? 1));
/**
 * A killed earlier run leaves its discovery schedule and inspections in the bench's Temporal store: the
 * schedule would start them again and the workers would inspect them beside this batch, skewing every
 * figure. The bench measures its own batch only.
 */
async function clearLeftovers(client: Client, bucket: string): Promise<number> {
  let cleared = 0;
  for await (const s of client.schedule.list()) {
    if (s.scheduleId.startsWith(discoveryScheduleId(bucket))) await client.schedule.getHandle(s.scheduleId).delete();
  }
  for await (const w of client.workflow.list({ query: 'ExecutionStatus="Running"' })) {
    await client.workflow.getHandle(w.workflowId, w.runId).terminate('leftover of an earlier bench run');
    cleared++;
  }
  return cleared;
}

async function main(): Promise<void> {
  const dir = path.join(dataDir(), 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const sample = await generateCase('compliant_onsite', path.join(dir, `batch-${HEIGHT}p`), { height: HEIGHT });
  const probe = await probeMedia(sample.media);
  const durationS = probe.ok ? (probe.facts.durationS ?? 0) : 0;

  const t = await openTestStack('batch', dir);
  const leftovers = await clearLeftovers(t.client, t.stack.info.buckets.recordings);
  if (leftovers > 0) process.stdout.write(`terminated ${leftovers} workflow(s) left running by an earlier run\n`);
  const workers: WorkerProcess[] = [];
  for (let i = 0; i < WORKERS; i++) workers.push(startWorkerProcess(t.stack.info, path.join(dir, `batch-worker-${i}`)));
  const bucket = t.stack.info.buckets.recordings;
  const prefix = `batch-${Date.now()}`;
  try {
    const keys = Array.from({ length: BATCH }, (_, i) => `${prefix}/rec-${String(i).padStart(4, '0')}.mp4`);
    // One sample's sidecar beside every copy, each naming its own copy (a sidecar naming another recording is not used).
    const meta = sample.meta ? (JSON.parse(fs.readFileSync(sample.meta, 'utf8')) as Record<string, unknown>) : undefined;
    if (meta) {
      for (const key of keys) {
        const body = Buffer.from(JSON.stringify({ ...meta, recordingId: path.basename(key, '.mp4') }));
        await t.uploader.putObject(bucket, key.replace(/\.mp4$/, '.meta.json'), body, body.length);
      }
    }
    const cpu0 = machineCpu();
    // Each worker's whole process tree: its ffmpeg decodes and its Python speech engine are children.
    const rss = workers.map((w) => sampleTreeRss(w.pid, 1000));
    const workerCpu0 = workers.map((w) => treeCpuSeconds(w.pid));
    const started = Date.now();
    const items = await dropBatch(t.uploader, bucket, sample.media, keys);
    const scheduleId = await ensureDiscoverySchedule(t.client, { bucket, prefix: `${prefix}/`, everyS: 5, settleS: 0 });
    try {
      const outcomes = await awaitBatch({ client: t.client, reader: t.reader, buckets: t.stack.info.buckets }, items, BATCH * 10 * 60_000);
      const wallS = (Date.now() - started) / 1000;
      const cpu1 = machineCpu();
      const workerCpuS = workers.reduce((sum, w, i) => sum + treeCpuSeconds(w.pid) - (workerCpu0[i] ?? 0), 0);
      const peaks = rss.map((r) => r.stop());
      const oneReport = outcomes.filter((o) => o.reports.length === 1).length;
      const unchanged = outcomes.filter((o, i) => o.storedSha256 === items[i]!.sha256).length;
      const verdicts = new Map<string, number>();
      for (const o of outcomes) verdicts.set(o.verdict, (verdicts.get(o.verdict) ?? 0) + 1);
      const rows: [string, string][] = [
        ['recordings', `${BATCH} × ${path.basename(sample.media)} (${durationS.toFixed(0)} s, ${HEIGHT}p), found by the discovery schedule`],
        ['machine', `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; ${WORKERS} worker process(es)`],
        ['wall time (upload to last report)', `${wallS.toFixed(1)} s`],
        ['recordings per hour', `${((BATCH / wallS) * 3600).toFixed(0)} (${((BATCH * durationS) / wallS).toFixed(2)} s of recording per second)`],
        ['machine CPU utilisation', `${((100 * (cpu1.busy - cpu0.busy)) / (cpu1.total - cpu0.total)).toFixed(0)} % (all processes, all cores)`],
        ['workers CPU (with ffmpeg, speech engine)', `${workerCpuS.toFixed(0)} s = ${((100 * workerCpuS) / (wallS * os.cpus().length)).toFixed(0)} % of the machine; ${(workerCpuS / BATCH).toFixed(0)} s per recording`],
        ['workers peak RSS (process tree)', peaks.map((p) => `${p.totalMb.toFixed(0)} MB (${Object.entries(p.atPeak).map(([n, v]) => `${n} ${v.toFixed(0)}`).join(', ')})`).join('; ')],
        ['exactly one report', `${oneReport}/${BATCH}`],
        ['originals unchanged (sha256)', `${unchanged}/${BATCH}`],
        ['verdicts', [...verdicts].map(([v, n]) => `${v} ${n}`).join(', ')],
      ];
      for (const [k, v] of rows) process.stdout.write(`${k.padEnd(38)} ${v}\n`);
      if (oneReport !== BATCH || unchanged !== BATCH) process.exitCode = 1;
    } finally {
      await t.client.schedule.getHandle(scheduleId).delete();
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await t.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
