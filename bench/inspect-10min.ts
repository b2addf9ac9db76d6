// Benchmark: a generated 10-minute 720p dual recording, inspected on the embedded stack by a separate
// worker process. Prints ratios, not verdicts: wall time ÷ media duration, ÷ ffmpeg's bare decode of the
// same file, the integrity pass alone and with faces ÷ bare decode, face ms per frame, and the worker's
// peak RSS.
//
//   npm run bench            (BENCH_MINUTES=10 BENCH_HEIGHT=720 by default)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataDir } from '../lib/config';
import { startInspection } from '../lib/inspections';
import { generateCase } from '../fixtures/generate';
import { analyseMediaFile } from '../media/analyse-file';
import { runFfmpeg } from '../media/ffmpeg';
import { probeMedia } from '../media/probe';
import { openTestStack } from '../test/helpers/test-stack';
import { startWorkerProcess } from '../test/helpers/worker-process';
import { loadFaceAnalyser } from '../workers/deps';

const MINUTES = Number(process.env.BENCH_MINUTES ?? 10);
const HEIGHT = (Number(process.env.BENCH_HEIGHT ?? 720) === 360 ? 360 : 720);

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const value = await run();
  return [value, Number(process.hrtime.bigint() - t0) / 1e9];
}

/** Peak resident set of a process (VmHWM), in MB. */
function peakRssMb(pid: number): number | null {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function longRecording(dir: string): Promise<string> {
  const file = path.join(dir, `bench-${MINUTES}min-${HEIGHT}p.mp4`);
  if (fs.existsSync(file)) return file;
  const sample = await generateCase('compliant_onsite', dir, { height: HEIGHT });
  const seconds = MINUTES * 60;
  const probe = await probeMedia(sample.media);
  const loops = probe.ok && probe.facts.durationS ? Math.ceil(seconds / probe.facts.durationS) : 10;
  // Stream copy: a long recording without re-encoding (each loop boundary is a genuine splice).
  await runFfmpeg(['-stream_loop', String(loops), '-i', sample.media, '-t', String(seconds), '-c', 'copy', file]);
  return file;
}

async function main(): Promise<void> {
  const dir = path.join(dataDir(), 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = await longRecording(dir);
  const probe = await probeMedia(file);
  const duration = probe.ok ? (probe.facts.durationS ?? 0) : 0;

  const [, bare] = await timed(() => runFfmpeg(['-v', 'error', '-i', file, '-f', 'null', '-']));
  const [evidence, integrity] = await timed(() => analyseMediaFile(file, { recordingId: 'bench' }));
  const faceAnalyser = await loadFaceAnalyser();
  const [withFaces, videoPass] = await timed(() => analyseMediaFile(file, { recordingId: 'bench', faces: faceAnalyser }));

  const t = await openTestStack('bench', dir);
  const { stack, client, uploader } = t;
  const reader = t.reader;
  const worker = startWorkerProcess(stack.info, path.join(dir, 'worker'));
  try {
    const key = `bench/${Date.now()}-${path.basename(file)}`;
    await uploader.fPutObject(stack.info.buckets.recordings, key, file, {});
    const [result, whole] = await timed(async () => (await startInspection(client, reader, { bucket: stack.info.buckets.recordings, key })).result());
    const rss = peakRssMb(worker.pid);
    const rows: [string, string][] = [
      ['recording', `${path.basename(file)}: ${duration.toFixed(0)} s, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`],
      ['ffmpeg bare decode (-f null)', `${bare.toFixed(2)} s = ${(bare / duration).toFixed(4)} × duration`],
      ['integrity pass alone (one decode)', `${integrity.toFixed(2)} s = ${(integrity / bare).toFixed(2)} × bare decode = ${(integrity / duration).toFixed(4)} × duration`],
      ['video pass with faces (one decode: integrity + faces)', `${videoPass.toFixed(2)} s = ${(videoPass / bare).toFixed(2)} × bare decode; faces ${withFaces.faces?.msPerFrame ?? '?'} ms/frame at ${withFaces.faces?.sampleFps ?? '?'} fps (${withFaces.faces?.frames ?? 0} frames)`],
      ['whole inspection (Temporal + S3, worker process)', `${whole.toFixed(2)} s = ${(whole / bare).toFixed(2)} × bare decode = ${(whole / duration).toFixed(4)} × duration`],
      ['worker peak RSS', rss === null ? 'unknown' : `${rss.toFixed(0)} MB`],
      ['verdict', `${result.verdict}, ${evidence.integrity.defects.length} defect(s) in the integrity evidence`],
    ];
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(50)} ${v}\n`);
  } finally {
    await worker.stop();
    await t.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
