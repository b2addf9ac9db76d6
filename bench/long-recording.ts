// Benchmark: bounded resources on long recordings. For each length, a generated dual recording (the
// on-site script with its five documents once, then the same script without documents looped to the
// length, joined by stream copy) is inspected through the real pipeline (embedded Temporal + SeaweedFS,
// a fresh `dualqa worker` process per length, speech included). Prints, length by length: wall time ÷
// media duration, ÷ ffmpeg's bare decode, the peak RSS of the worker's whole process tree (Node worker,
// ffmpeg decodes, the Python speech engine) sampled from /proc, CPU utilisation, and the size of each
// evidence document (what grows with duration).
//
//   npm run build && BENCH_MINUTES=10,30 node dist/bench/long-recording.js
//   BENCH_MINUTES=10,180 (lengths, minutes)  BENCH_HEIGHT=360|720 (default 360)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dataDir } from '../lib/config';
import { startInspection } from '../intake/inspections';
import { finishPlan, standardScript } from '../fixtures/plan';
import { renderPlan } from '../fixtures/render';
import { runFfmpeg } from '../media/ffmpeg';
import { probeMedia } from '../media/probe';
import { openTestStack, type TestStack } from '../test/helpers/test-stack';
import { startWorkerProcess } from '../test/helpers/worker-process';
import { machineCpu, sampleTreeRss, treeCpuSeconds, type TreePeak } from './process-tree';

const LENGTHS_MIN = (process.env.BENCH_MINUTES ?? '10,30')
  .split(',')
  .map(Number)
  .filter((m) => m > 0);
const HEIGHT = Number(process.env.BENCH_HEIGHT ?? 360) === 720 ? 720 : 360;
const GOAL_MB = 1536;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const value = await run();
  return [value, Number(process.hrtime.bigint() - t0) / 1e9];
}

/** The two takes (with and without documents), rendered once per height and reused. */
async function renderTakes(dir: string): Promise<[string, string]> {
  const startLocal = { y: 2026, mo: 3, d: 18, h: 9, mi: 2, s: 0 };
  const withDocs = finishPlan(standardScript('agentA', 'custC'), 'onsite');
  withDocs.docs = withDocs.docs.filter((d) => d.card !== 'signed_form');
  const plain = { ...finishPlan(standardScript('agentA', 'custC'), 'onsite'), docs: [] };
  const takes: [string, string] = [path.join(dir, `long-take-docs-${HEIGHT}p.mp4`), path.join(dir, `long-take-plain-${HEIGHT}p.mp4`)];
  for (const [i, plan] of [withDocs, plain].entries()) {
    if (fs.existsSync(takes[i]!)) continue;
    const tmp = fs.mkdtempSync(path.join(dir, 'render-'));
    try {
      await renderPlan(plan, takes[i]! + '.part.mp4', tmp, { height: HEIGHT, startLocal });
      fs.renameSync(takes[i]! + '.part.mp4', takes[i]!);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return takes;
}

/** A recording of `minutes`: the documents take, then the plain take looped, cut to the length. */
async function longRecording(dir: string, takes: [string, string], minutes: number): Promise<string> {
  const file = path.join(dir, `long-${minutes}min-${HEIGHT}p.mp4`);
  if (fs.existsSync(file)) return file;
  const probe = await probeMedia(takes[1]);
  const takeS = probe.ok ? (probe.facts.durationS ?? 60) : 60;
  const loops = Math.ceil((minutes * 60) / takeS) + 1;
  const list = path.join(dir, `long-${minutes}min.txt`);
  fs.writeFileSync(list, [takes[0], ...Array.from({ length: loops }, () => takes[1])].map((f) => `file '${f}'`).join('\n') + '\n');
  await runFfmpeg(['-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-t', String(minutes * 60), '-c', 'copy', '-y', file + '.part.mp4'], { ownFiles: true });
  fs.renameSync(file + '.part.mp4', file);
  return file;
}

interface Row {
  minutes: number;
  durationS: number;
  sizeMb: number;
  bareS: number;
  wallS: number;
  treeCpuS: number;
  machineBusyPct: number;
  peak: TreePeak;
  verdict: string;
  evidenceKb: Record<string, number>;
}

/** Sizes of the evidence documents of one recording (frames summed), in kB. */
async function evidenceSizes(t: TestStack, recordingId: string): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  const listing = t.reader.listObjectsV2(t.stack.info.buckets.analyses, `${recordingId}/`, true) as AsyncIterable<{ name?: string; size?: number }>;
  for await (const o of listing) {
    const rel = (o.name ?? '').slice(recordingId.length + 1);
    const name = rel.includes('/') ? `${rel.split('/')[0]}/*` : rel;
    sizes[name] = (sizes[name] ?? 0) + (o.size ?? 0) / 1024;
  }
  return sizes;
}

async function inspectOne(t: TestStack, dir: string, file: string, minutes: number): Promise<Row> {
  const probe = await probeMedia(file);
  const durationS = probe.ok ? (probe.facts.durationS ?? 0) : 0;
  const [, bareS] = await timed(() => runFfmpeg(['-v', 'error', '-i', file, '-f', 'null', '-'], { ownFiles: true }));
  const bucket = t.stack.info.buckets.recordings;
  const key = `long/${Date.now()}-${path.basename(file)}`;
  await t.uploader.fPutObject(bucket, key, file, {});

  // A fresh worker per length: its peak is this recording's, not the previous one's.
  const worker = startWorkerProcess(t.stack.info, path.join(dir, `long-worker-${minutes}`));
  try {
    const rss = sampleTreeRss(worker.pid);
    const cpu0 = treeCpuSeconds(worker.pid);
    const machine0 = machineCpu();
    const [result, wallS] = await timed(async () => (await startInspection(t.client, t.reader, { bucket, key })).result());
    const treeCpuS = treeCpuSeconds(worker.pid) - cpu0;
    const machine1 = machineCpu();
    const peak = rss.stop();
    return {
      minutes,
      durationS,
      sizeMb: fs.statSync(file).size / 1e6,
      bareS,
      wallS,
      treeCpuS,
      machineBusyPct: (100 * (machine1.busy - machine0.busy)) / (machine1.total - machine0.total),
      peak,
      verdict: result.verdict,
      evidenceKb: await evidenceSizes(t, result.recordingId),
    };
  } finally {
    await worker.stop();
  }
}

function mb(n: number | undefined): string {
  return `${(n ?? 0).toFixed(0)} MB`;
}

function print(rows: Row[]): void {
  const cores = os.cpus().length;
  const table: [string, (r: Row) => string][] = [
    ['media duration', (r) => `${(r.durationS / 60).toFixed(1)} min (${r.sizeMb.toFixed(0)} MB, ${HEIGHT}p)`],
    ['ffmpeg bare decode', (r) => `${r.bareS.toFixed(1)} s`],
    ['whole inspection (wall)', (r) => `${r.wallS.toFixed(1)} s`],
    ['  ÷ media duration', (r) => (r.wallS / r.durationS).toFixed(3)],
    ['  ÷ bare decode', (r) => (r.wallS / r.bareS).toFixed(2)],
    ['  s per media minute', (r) => ((r.wallS / r.durationS) * 60).toFixed(1)],
    ['peak RSS, worker tree', (r) => `${mb(r.peak.totalMb)}${r.peak.totalMb > GOAL_MB ? ' (over 1.5 GB)' : ''}`],
    ['  at that peak', (r) => Object.entries(r.peak.atPeak).map(([n, v]) => `${n} ${mb(v)}`).join(', ')],
    ['  each process at its own peak', (r) => Object.entries(r.peak.perName).map(([n, v]) => `${n} ${mb(v)}`).join(', ')],
    ['worker tree CPU', (r) => `${r.treeCpuS.toFixed(0)} s = ${((100 * r.treeCpuS) / (r.wallS * cores)).toFixed(0)} % of ${cores} cores`],
    // CPU time is what the work costs; wall time also holds whatever else the machine is running.
    ['  CPU s per media minute', (r) => ((r.treeCpuS / r.durationS) * 60).toFixed(1)],
    ['machine CPU busy (all processes)', (r) => `${r.machineBusyPct.toFixed(0)} %`],
    ['evidence sizes', (r) => Object.entries(r.evidenceKb).map(([n, v]) => `${n} ${v.toFixed(0)} kB`).join(', ')],
    ['verdict', (r) => r.verdict],
  ];
  for (const r of rows) {
    process.stdout.write(`\n== ${r.minutes}-minute recording ==\n`);
    for (const [label, cell] of table) process.stdout.write(`${label.padEnd(34)} ${cell(r)}\n`);
  }
  if (rows.length > 1) {
    const [first, last] = [rows[0]!, rows[rows.length - 1]!];
    process.stdout.write(
      `\nlinearity: ${last.minutes} min ÷ ${first.minutes} min — duration ×${(last.durationS / first.durationS).toFixed(2)}, wall ×${(last.wallS / first.wallS).toFixed(2)}, worker CPU ×${(last.treeCpuS / first.treeCpuS).toFixed(2)}, peak RSS ×${(last.peak.totalMb / first.peak.totalMb).toFixed(2)}\n`,
    );
  }
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  process.stdout.write(`machine: ${cores} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load average now ${load}\n`);
}

async function main(): Promise<void> {
  const dir = path.join(dataDir(), 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const takes = await renderTakes(dir);
  const files = [];
  for (const minutes of LENGTHS_MIN) files.push(await longRecording(dir, takes, minutes));
  const t = await openTestStack('long', dir);
  const rows: Row[] = [];
  try {
    for (const [i, minutes] of LENGTHS_MIN.entries()) {
      rows.push(await inspectOne(t, dir, files[i]!, minutes));
      process.stderr.write(`${minutes} min done: ${rows[rows.length - 1]!.wallS.toFixed(0)} s\n`);
    }
  } finally {
    await t.close();
    print(rows);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
