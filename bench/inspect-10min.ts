// Benchmark: a generated 10-minute 720p dual recording with 5 document showings (the 执业证, 身份证, 投保提示书,
// 保险条款 and 免责条款说明书 of the first take; the rest of the recording shows none), inspected on the embedded
// stack by a separate worker process. Prints ratios, not verdicts: wall time ÷ media duration, ÷ ffmpeg's
// bare decode of the same file, the integrity pass alone, with faces, and with faces + documents ÷ bare
// decode, the OCR time of the recording (and what the documents pass adds, ÷ bare decode: goal ≤ 0.5), face
// ms per frame, the speech analysis (ASR real-time factor); then the whole inspection by a media worker and a
// speech worker (bench/halves.ts): each half's CPU-seconds, throughput per core and stage profile, the peak RSS
// of both worker trees, with the load average.
//
//   npm run bench            (BENCH_MINUTES=10 BENCH_HEIGHT=720 by default)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataDir } from '../lib/config';
import type { SpeechEvidence } from '../evidence/types';
import { getJson } from '../lib/object-store';
import { evidenceKey } from '../evidence/layout';
import { finishPlan, standardScript } from '../fixtures/plan';
import { renderPlan } from '../fixtures/render';
import { analyseMediaFile } from '../evidence/assemble-media';
import { runFfmpeg } from '../media/ffmpeg';
import { probeMedia } from '../media/probe';
import { openTestStack } from '../test/helpers/test-stack';
import { loadDocumentAnalyser, loadFaceAnalyser } from '../workers/deps';
import { formatRun, inspectByHalves } from './halves';

const MINUTES = Number(process.env.BENCH_MINUTES ?? 10);
const HEIGHT = (Number(process.env.BENCH_HEIGHT ?? 720) === 360 ? 360 : 720);

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const value = await run();
  return [value, Number(process.hrtime.bigint() - t0) / 1e9];
}

/** Documents shown in the long recording: the first take's five (its signed form is left out). */
const SHOWINGS = 5;

/**
 * The on-site script rendered twice: once with its documents (all but the signed form: SHOWINGS of them),
 * once with none; the first take, then the second looped to the length, joined by stream copy (each join
 * is a genuine splice, as in a recording stitched from takes).
 */
async function longRecording(dir: string): Promise<string> {
  const file = path.join(dir, `bench-${MINUTES}min-${HEIGHT}p-${SHOWINGS}docs.mp4`);
  if (fs.existsSync(file)) return file;
  const startLocal = { y: 2026, mo: 3, d: 18, h: 9, mi: 2, s: 0 };
  const withDocs = finishPlan(standardScript('agentA', 'custC'), 'onsite');
  withDocs.docs = withDocs.docs.filter((d) => d.card !== 'signed_form');
  if (withDocs.docs.length !== SHOWINGS) throw new Error(`expected ${SHOWINGS} documents, planned ${withDocs.docs.length}`);
  const without = { ...finishPlan(standardScript('agentA', 'custC'), 'onsite'), docs: [] };
  const takes = [path.join(dir, 'take-docs.mp4'), path.join(dir, 'take-plain.mp4')];
  for (const [i, plan] of [withDocs, without].entries()) {
    const tmp = fs.mkdtempSync(path.join(dir, 'render-'));
    try {
      await renderPlan(plan, takes[i]!, tmp, { height: HEIGHT, startLocal });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  const seconds = MINUTES * 60;
  const loops = Math.ceil((seconds - withDocs.duration) / without.duration) + 1;
  const list = path.join(dir, 'concat.txt');
  fs.writeFileSync(list, [takes[0]!, ...Array.from({ length: loops }, () => takes[1]!)].map((f) => `file '${f}'`).join('\n') + '\n');
  await runFfmpeg(['-f', 'concat', '-safe', '0', '-i', list, '-t', String(seconds), '-c', 'copy', file], { ownFiles: true });
  return file;
}

async function main(): Promise<void> {
  const dir = path.join(dataDir(), 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = await longRecording(dir);
  const probe = await probeMedia(file);
  const duration = probe.ok ? (probe.facts.durationS ?? 0) : 0;

  const [, bare] = await timed(() => runFfmpeg(['-v', 'error', '-i', file, '-f', 'null', '-'], { ownFiles: true }));
  const [evidence, integrity] = await timed(() => analyseMediaFile(file, { recordingId: 'bench' }));
  const faceAnalyser = await loadFaceAnalyser();
  const [withFaces, videoPass] = await timed(() => analyseMediaFile(file, { recordingId: 'bench', faces: faceAnalyser }));
  const documentAnalyser = await loadDocumentAnalyser();
  const [withDocs, fullPass] = await timed(() => analyseMediaFile(file, { recordingId: 'bench', faces: faceAnalyser, documents: documentAnalyser }));
  const docs = withDocs.documents;
  const ocrS = (docs?.ocr.ms ?? 0) / 1000;

  const t = await openTestStack('bench', dir);
  try {
    const key = `bench/${Date.now()}-${path.basename(file)}`;
    await t.uploader.fPutObject(t.stack.info.buckets.recordings, key, file, {});
    // The whole inspection by a media worker and a speech worker (bench/halves.ts): each half's CPU and stages.
    const run = await inspectByHalves(t, path.join(dir, 'halves'), key, duration);
    const speech = await getJson<SpeechEvidence>(t.reader, t.stack.info.buckets.analyses, evidenceKey(run.recordingId, 'speech'));
    const speechActivityS = (run.timings.find((x) => x.activity === 'analyseSpeech')?.ms ?? 0) / 1000;
    const whole = run.wallS;
    const rows: [string, string][] = [
      ['recording', `${path.basename(file)}: ${duration.toFixed(0)} s, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`],
      ['ffmpeg bare decode (-f null)', `${bare.toFixed(2)} s = ${(bare / duration).toFixed(4)} × duration`],
      ['integrity pass alone (one decode)', `${integrity.toFixed(2)} s = ${(integrity / bare).toFixed(2)} × bare decode = ${(integrity / duration).toFixed(4)} × duration`],
      ['video pass with faces (one decode: integrity + faces)', `${videoPass.toFixed(2)} s = ${(videoPass / bare).toFixed(2)} × bare decode; faces ${withFaces.faces?.msPerFrame ?? '?'} ms/frame at ${withFaces.faces?.sampleFps ?? '?'} fps (${withFaces.faces?.frames ?? 0} frames)`],
      [
        'video pass with faces + documents (one decode)',
        `${fullPass.toFixed(2)} s = ${(fullPass / bare).toFixed(2)} × bare decode; documents add ${(fullPass - videoPass).toFixed(2)} s = ${((fullPass - videoPass) / bare).toFixed(2)} × bare decode (goal ≤ 0.5)`,
      ],
      [
        `OCR (${docs?.ocr.engine ?? 'no engine'})`,
        `${ocrS.toFixed(2)} s in ${docs?.ocr.calls ?? 0} calls = ${(ocrS / bare).toFixed(2)} × bare decode; ${docs?.showings.length ?? 0} showings found (${SHOWINGS} shown: ${(docs?.documents ?? []).map((d) => d.type).join(', ')}); clock ${docs?.clock.status ?? '–'}`,
      ],
      ['  OCR by use', docs ? Object.entries(docs.ocr.byUse).map(([use, u]) => `${use} ${(u.ms / 1000).toFixed(2)} s in ${u.calls} calls`).join(', ') + `; clock ${docs.clock.readings} readings of ${docs.clock.attempts} attempts, ${docs.clock.quickReads} by recognition alone, ${docs.clock.glyphReads} by the learnt digits (no OCR)` : '–'],
      ['  frames decoded again (clock search, showings)', docs ? `${docs.reread.frames} in ${(docs.reread.ms / 1000).toFixed(2)} s = ${(docs.reread.ms / 1000 / bare).toFixed(2)} × bare decode${docs.reread.failed ? `, ${docs.reread.failed} failed` : ''}` : '–'],
      [
        'speech (analyseSpeech, beside the video pass)',
        speech
          ? `${speechActivityS.toFixed(2)} s = ${(speechActivityS / duration).toFixed(4)} × duration; ASR real-time factor ${(speech.timing.asrMs / 1000 / duration).toFixed(3)}, verification ${(speech.timing.verifyMs / 1000).toFixed(1)} s, quality ${speech.quality.status}`
          : 'no speech evidence',
      ],
      ['whole inspection (Temporal + S3, two workers)', `${whole.toFixed(2)} s = ${(whole / bare).toFixed(2)} × bare decode = ${(whole / duration).toFixed(4)} × duration (goal ≤ 1/15 = 0.0667)`],
      ['verdict', `${run.verdict}, ${evidence.integrity.defects.length} defect(s) in the integrity evidence`],
    ];
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(50)} ${v}\n`);
    process.stdout.write(`\n${formatRun(run).join('\n')}\n`);
  } finally {
    await t.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
