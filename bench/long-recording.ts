// Benchmark: time, CPU and memory of long recordings, half by half. For each length, a generated dual
// recording (the on-site script with its five documents once, then the same script without documents
// looped to the length, joined by stream copy) is inspected through the real pipeline (embedded Temporal +
// SeaweedFS) by fresh worker processes — one for the media half, one for the speech half (+ judge and
// report), as production runs them — BENCH_RUNS times. Prints per run and as medians: wall time ÷
// duration with the load average, each half's CPU-seconds (its whole process tree, from /proc) and
// throughput per core (seconds of recording per CPU-second), the peak RSS of both trees, and each half's
// stage profile (decode, taps, face detection, OCR by use, VAD, ASR windows, verification, speaker
// embedding, uploads; lib/profile.ts).
//
// Worst cases (BENCH_CASE):
//   compliant  the script as above
//   missing    the same with the 犹豫期 (cooling-off) statement left out of every take: it is verified
//              against the audio in every window (the most forced-alignment work)
//   motion     the compliant recording's sound under real motion: Debian opencv-doc's vtest.avi
//              (pedestrians, /usr/share/doc/opencv-doc/examples/data/vtest.avi) looped and scaled as the video
//
//   npm run build && BENCH_MINUTES=10 BENCH_RUNS=3 node dist/bench/long-recording.js
//   BENCH_MINUTES=10,30 (lengths, minutes)  BENCH_HEIGHT=720|360 (default 720)  BENCH_CASE=compliant|missing|motion
//   BENCH_RUNS=3 (default 1)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dataDir } from '../lib/config';
import { finishPlan, standardScript, type ScriptHooks } from '../fixtures/plan';
import { renderPlan } from '../fixtures/render';
import { runFfmpeg } from '../media/ffmpeg';
import { probeMedia } from '../media/probe';
import { openTestStack } from '../test/helpers/test-stack';
import { formatMedians, formatRun, inspectByHalves, loadText, type HalvesRun } from './halves';

const LENGTHS_MIN = (process.env.BENCH_MINUTES ?? '10')
  .split(',')
  .map(Number)
  .filter((m) => m > 0);
const HEIGHT = Number(process.env.BENCH_HEIGHT ?? 720) === 360 ? 360 : 720;
const CASE = (process.env.BENCH_CASE ?? 'compliant') as 'compliant' | 'missing' | 'motion';
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
const VTEST = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';

/** The two takes (with and without documents), rendered once per height and case and reused. */
async function renderTakes(dir: string): Promise<[string, string]> {
  const startLocal = { y: 2026, mo: 3, d: 18, h: 9, mi: 2, s: 0 };
  const hooks: ScriptHooks = CASE === 'missing' ? { skip: ['cooling'] } : {};
  const withDocs = finishPlan(standardScript('agentA', 'custC', hooks), 'onsite');
  withDocs.docs = withDocs.docs.filter((d) => d.card !== 'signed_form');
  const plain = { ...finishPlan(standardScript('agentA', 'custC', hooks), 'onsite'), docs: [] };
  const tag = CASE === 'missing' ? '-nocooling' : '';
  const takes: [string, string] = [path.join(dir, `long-take-docs${tag}-${HEIGHT}p.mp4`), path.join(dir, `long-take-plain${tag}-${HEIGHT}p.mp4`)];
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
  const tag = CASE === 'missing' ? '-nocooling' : '';
  const file = path.join(dir, `long-${minutes}min${tag}-${HEIGHT}p.mp4`);
  if (!fs.existsSync(file)) {
    const probe = await probeMedia(takes[1]);
    const takeS = probe.ok ? (probe.facts.durationS ?? 60) : 60;
    const loops = Math.ceil((minutes * 60) / takeS) + 1;
    const list = path.join(dir, `long-${minutes}min${tag}.txt`);
    fs.writeFileSync(list, [takes[0], ...Array.from({ length: loops }, () => takes[1])].map((f) => `file '${f}'`).join('\n') + '\n');
    await runFfmpeg(['-v', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-t', String(minutes * 60), '-c', 'copy', '-y', file + '.part.mp4'], { ownFiles: true });
    fs.renameSync(file + '.part.mp4', file);
  }
  if (CASE !== 'motion') return file;
  // Real motion: vtest.avi looped as the picture, the compliant recording's sound kept (stream copy).
  if (!fs.existsSync(VTEST)) throw new Error(`${VTEST} is missing: apt-get install opencv-doc (Debian) for BENCH_CASE=motion`);
  const moving = path.join(dir, `long-${minutes}min-motion-${HEIGHT}p.mp4`);
  if (!fs.existsSync(moving)) {
    const width = HEIGHT === 720 ? 1280 : 640;
    await runFfmpeg(
      ['-v', 'error', '-stream_loop', '-1', '-i', VTEST, '-i', file, '-map', '0:v:0', '-map', '1:a:0', '-vf', `scale=${width}:${HEIGHT},fps=25,format=yuv420p`,
        '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', '50', '-c:a', 'copy', '-t', String(minutes * 60), '-y', moving + '.part.mp4'],
      { ownFiles: true },
    );
    fs.renameSync(moving + '.part.mp4', moving);
  }
  return moving;
}

async function main(): Promise<void> {
  const dir = path.join(dataDir(), 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const takes = await renderTakes(dir);
  const files: string[] = [];
  for (const minutes of LENGTHS_MIN) files.push(await longRecording(dir, takes, minutes));
  const t = await openTestStack('long', dir);
  const out: string[] = [];
  try {
    for (const [i, minutes] of LENGTHS_MIN.entries()) {
      const file = files[i]!;
      const probe = await probeMedia(file);
      const durationS = probe.ok ? (probe.facts.durationS ?? 0) : 0;
      const key = `long/${Date.now()}-${path.basename(file)}`;
      await t.uploader.fPutObject(t.stack.info.buckets.recordings, key, file, {});
      const runs: HalvesRun[] = [];
      for (let run = 0; run < RUNS; run++) {
        // The same object each run: a new inspection needs a new version, so upload it under a new key.
        const runKey = run === 0 ? key : `${key.replace(/\.mp4$/, '')}-run${run + 1}.mp4`;
        if (run > 0) await t.uploader.fPutObject(t.stack.info.buckets.recordings, runKey, file, {});
        runs.push(await inspectByHalves(t, path.join(dir, `long-${minutes}`), runKey, durationS));
        process.stderr.write(`${minutes} min (${CASE}) run ${run + 1}/${RUNS}: ${runs.at(-1)!.wallS.toFixed(0)} s wall, load ${loadText(os.loadavg())}\n`);
      }
      out.push(`\n== ${minutes}-minute ${HEIGHT}p recording, case ${CASE} (${path.basename(file)}, ${(durationS / 60).toFixed(1)} min, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB) ==`);
      // The run in the middle by wall time is the one shown stage by stage.
      const middle = [...runs].sort((a, b) => a.wallS - b.wallS)[Math.floor(runs.length / 2)]!;
      runs.forEach((r, k) => out.push(`run ${k + 1}: wall ${r.wallS.toFixed(1)} s, media ${r.cpuS.media.toFixed(1)} CPU-s, speech ${r.cpuS.speech.toFixed(1)} CPU-s, peak ${r.peakMb.toFixed(0)} MB, load ${loadText(r.load.before)}`));
      out.push(...formatMedians(runs), `-- the median run (by wall time) --`, ...formatRun(middle));
    }
  } finally {
    await t.close();
    process.stdout.write(out.join('\n') + `\nmachine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load average now ${loadText(os.loadavg())}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
