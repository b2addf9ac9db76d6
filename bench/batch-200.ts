// Benchmark: a batch of N recordings (default 200) dropped into the bucket and inspected without a manual
// start (the discovery schedule finds them) by worker processes on this machine. Prints recordings per
// hour, machine and worker CPU utilisation, the workers' peak RSS, and checks the batch ended with exactly
// one report per recording and every original unchanged.
//
//   npm run build && node dist/bench/batch-200.js
//   BENCH_BATCH=5 (recordings)  BENCH_HEIGHT=360|720  BENCH_WORKERS=1 (worker processes)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dataDir } from '../lib/config';
import { ensureDiscoverySchedule } from '../lib/discovery';
import { generateCase } from '../fixtures/generate';
import { probeMedia } from '../media/probe';
import { awaitBatch, dropBatch } from '../test/helpers/batch';
import { openTestStack } from '../test/helpers/test-stack';
import { startWorkerProcess, type WorkerProcess } from '../test/helpers/worker-process';

const BATCH = Number(process.env.BENCH_BATCH ?? 200);
const HEIGHT = Number(process.env.BENCH_HEIGHT ?? 720) === 360 ? 360 : 720;
const WORKERS = Math.max(1, Number(process.env.BENCH_WORKERS ?? 1));
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** Busy and total jiffies of the whole machine (/proc/stat "cpu" line). */
function machineCpu(): { busy: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU seconds of a process and its waited-for children (ffmpeg runs as a child of the worker). */
function processCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    // utime, stime, cutime, cstime are fields 14-17 (1-based); f starts at field 3.
    return ((f[11] ?? 0) + (f[12] ?? 0) + (f[13] ?? 0) + (f[14] ?? 0)) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

function peakRssMb(pid: number): number | null {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const dir = path.join(dataDir(), 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const sample = await generateCase('compliant_onsite', path.join(dir, `batch-${HEIGHT}p`), { height: HEIGHT });
  const probe = await probeMedia(sample.media);
  const durationS = probe.ok ? (probe.facts.durationS ?? 0) : 0;

  const t = await openTestStack('batch', dir);
  const workers: WorkerProcess[] = [];
  for (let i = 0; i < WORKERS; i++) workers.push(startWorkerProcess(t.stack.info, path.join(dir, `batch-worker-${i}`)));
  const bucket = t.stack.info.buckets.recordings;
  const prefix = `batch-${Date.now()}`;
  try {
    const keys = Array.from({ length: BATCH }, (_, i) => `${prefix}/rec-${String(i).padStart(4, '0')}.mp4`);
    if (sample.meta) for (const key of keys) await t.uploader.fPutObject(bucket, key.replace(/\.mp4$/, '.meta.json'), sample.meta, {});
    const cpu0 = machineCpu();
    const workerCpu0 = workers.map((w) => processCpuSeconds(w.pid));
    const started = Date.now();
    const items = await dropBatch(t.uploader, bucket, sample.media, keys);
    const scheduleId = await ensureDiscoverySchedule(t.client, { bucket, prefix: `${prefix}/`, everyS: 5, settleS: 0 });
    try {
      const outcomes = await awaitBatch({ client: t.client, reader: t.reader, buckets: t.stack.info.buckets }, items, BATCH * 10 * 60_000);
      const wallS = (Date.now() - started) / 1000;
      const cpu1 = machineCpu();
      const workerCpuS = workers.reduce((sum, w, i) => sum + processCpuSeconds(w.pid) - (workerCpu0[i] ?? 0), 0);
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
        ['workers CPU (incl. ffmpeg children)', `${workerCpuS.toFixed(0)} s = ${((100 * workerCpuS) / (wallS * os.cpus().length)).toFixed(0)} % of the machine`],
        ['workers peak RSS', workers.map((w) => `${peakRssMb(w.pid)?.toFixed(0) ?? '?'} MB`).join(', ')],
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
